using Herald.Storage.Queue;

namespace Herald.Delivery.Sending;

/// <summary>Signs and sends one delivery. The seam between the dispatcher and HTTP.</summary>
public interface IDeliverySender
{
    Task<SendResult> SendAsync(DueDelivery delivery, CancellationToken cancellationToken);
}
