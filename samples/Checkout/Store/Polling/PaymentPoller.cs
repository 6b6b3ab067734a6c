using Checkout.Store.Orders;
using Checkout.Store.Payments;

namespace Checkout.Store.Polling;

/// <summary>
/// The "backend polls the provider" alternative: every interval, ask the provider about each open payment of a
/// polling-approach order. Every question is counted, answered "still pending" or not.
/// </summary>
internal sealed partial class PaymentPoller(
    OrderBook orders, ProviderClient provider, PaymentIntake intake, StoreOptions options, TimeProvider time, ILogger<PaymentPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollingInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (orderId, paymentId) in orders.AwaitingPoll(options.PollingGiveUpAfter))
            {
                await PollAsync(orderId, paymentId, stoppingToken);
            }
        }
    }

    private async Task PollAsync(string orderId, string paymentId, CancellationToken cancellationToken)
    {
        orders.CountRequest(orderId, Approach.Polling);
        try
        {
            var payment = await provider.GetPaymentAsync(paymentId, cancellationToken);
            if (payment.IsFinished)
            {
                await intake.AcceptAsync(payment.ToNews(), Approach.Polling, cancellationToken);
            }
        }
        catch (HttpRequestException ex)
        {
            PollFailed(logger, ex, paymentId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling payment {PaymentId} failed")]
    private static partial void PollFailed(ILogger logger, Exception exception, string paymentId);
}
