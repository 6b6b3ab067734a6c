using System.Security.Cryptography;
using Checkout.Store.Orders;

namespace Checkout.Store.Fulfilment;

/// <summary>
/// Ships each paid order (a shipment with a tracking number) and sends its confirmation e-mail. At start it picks up
/// the orders a previous run left paid or shipped.
/// </summary>
internal sealed partial class FulfilmentWorker(
    FulfilmentQueue queue, OrderBook orders, MailDelivery mail, StoreOptions options, TimeProvider time, ILogger<FulfilmentWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (string orderId in orders.Unfulfilled())
        {
            await queue.EnqueueAsync(orderId, stoppingToken);
        }
        await foreach (string orderId in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await FulfilAsync(orderId, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The order stays where it failed; the next start of the backend tries it again.
                FulfilmentFailed(logger, ex, orderId);
            }
        }
    }

    private async Task FulfilAsync(string orderId, CancellationToken cancellationToken)
    {
        if (orders.Find(orderId)?.Status == Names.Of(OrderStatus.Paid))
        {
            await Task.Delay(options.FulfilmentStepDelay, time, cancellationToken);
            var shipment = new Shipment("CC" + RandomNumberGenerator.GetString("0123456789", 12), "Parcelwise", time.GetUtcNow());
            orders.MarkShipped(orderId, shipment);
            Shipped(logger, orderId, shipment.TrackingNumber);
        }
        if (orders.Find(orderId) is { } order && order.Status == Names.Of(OrderStatus.Shipped))
        {
            await Task.Delay(options.FulfilmentStepDelay, time, cancellationToken);
            orders.MarkEmailed(orderId, await mail.SendConfirmationAsync(order, cancellationToken));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} shipped with tracking number {TrackingNumber}")]
    private static partial void Shipped(ILogger logger, string orderId, string trackingNumber);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fulfilment of order {OrderId} failed")]
    private static partial void FulfilmentFailed(ILogger logger, Exception exception, string orderId);
}
