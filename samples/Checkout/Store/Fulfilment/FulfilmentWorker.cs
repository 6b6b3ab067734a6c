using System.Security.Cryptography;
using Checkout.Store.Orders;

namespace Checkout.Store.Fulfilment;

/// <summary>Ships each paid order (a shipment with a tracking number) and sends its confirmation e-mail.</summary>
internal sealed partial class FulfilmentWorker(
    FulfilmentQueue queue, OrderBook orders, MailDelivery mail, StoreOptions options, TimeProvider time, ILogger<FulfilmentWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (string orderId in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await FulfilAsync(orderId, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A real store would keep this in an outbox and try again; the demo shows the order stuck where it failed.
                FulfilmentFailed(logger, ex, orderId);
            }
        }
    }

    private async Task FulfilAsync(string orderId, CancellationToken cancellationToken)
    {
        await Task.Delay(options.FulfilmentStepDelay, time, cancellationToken);
        var shipment = new Shipment("CC" + RandomNumberGenerator.GetString("0123456789", 12), "Parcelwise", time.GetUtcNow());
        orders.MarkShipped(orderId, shipment);
        Shipped(logger, orderId, shipment.TrackingNumber);

        await Task.Delay(options.FulfilmentStepDelay, time, cancellationToken);
        await mail.SendConfirmationAsync(orders.Find(orderId)!, shipment, cancellationToken);
        orders.MarkEmailed(orderId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} shipped with tracking number {TrackingNumber}")]
    private static partial void Shipped(ILogger logger, string orderId, string trackingNumber);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fulfilment of order {OrderId} failed")]
    private static partial void FulfilmentFailed(ILogger logger, Exception exception, string orderId);
}
