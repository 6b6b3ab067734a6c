using System.Text.Json;
using Checkout.Provider.Payments;

namespace Checkout.Provider.Herald;

/// <summary>The webhook a finished payment becomes: <c>payment.succeeded</c> or <c>payment.failed</c>, Standard Webhooks shaped.</summary>
internal static class PaymentEvents
{
    public static string EventType(Payment payment) =>
        payment.Status == PaymentStatus.Succeeded ? MerchantRegistration.Succeeded : MerchantRegistration.Failed;

    public static JsonElement Payload(Payment payment, DateTimeOffset now)
    {
        var data = new PaymentEventData(payment.OrderId, payment.Id, payment.Amount, payment.Currency, payment.CompletedAt!.Value, payment.DeclineReason);
        return JsonSerializer.SerializeToElement(new PaymentEventEnvelope(EventType(payment), now, data), ProviderJsonContext.Default.PaymentEventEnvelope);
    }
}
