using System.Text.Json;
using Checkout.Provider.Payments;

namespace Checkout.Provider.Herald;

/// <summary>Announces a finished payment through Herald, which signs it and retries until the merchant has it.</summary>
internal sealed partial class PaymentEventPublisher(HeraldApiClient herald, TimeProvider time, ILogger<PaymentEventPublisher> logger)
{
    public async Task PublishAsync(Payment payment, CancellationToken cancellationToken)
    {
        string eventType = payment.Status == PaymentStatus.Succeeded ? MerchantRegistration.Succeeded : MerchantRegistration.Failed;
        var data = new PaymentEventData(payment.OrderId, payment.Id, payment.Amount, payment.Currency, payment.CompletedAt!.Value, payment.DeclineReason);
        var payload = JsonSerializer.SerializeToElement(new PaymentEventEnvelope(eventType, time.GetUtcNow(), data), ProviderJsonContext.Default.PaymentEventEnvelope);
        try
        {
            string messageId = await herald.PublishAsync(MerchantRegistration.AppUid, eventType, payment.Id, payload, cancellationToken);
            Published(logger, eventType, payment.Id, messageId);
        }
        catch (HttpRequestException ex)
        {
            // The payment stands either way; a real provider would keep an outbox and publish again.
            PublishFailed(logger, ex, eventType, payment.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {EventType} for {PaymentId} as Herald message {MessageId}")]
    private static partial void Published(ILogger logger, string eventType, string paymentId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not publish {EventType} for {PaymentId} to Herald")]
    private static partial void PublishFailed(ILogger logger, Exception exception, string eventType, string paymentId);
}
