using Herald.Storage.Queue;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// The way past the queue: a node that accepts a message stores its deliveries already claimed and hands them
/// straight to its own dispatcher, when that runs and has room.
/// </summary>
public interface IDeliveryHandoff
{
    /// <summary>Whether deliveries handed over now would be taken (the dispatcher runs and has room).</summary>
    bool CanAccept { get; }

    /// <summary>The lease under which deliveries handed to <see cref="Accept"/> must have been claimed.</summary>
    TimeSpan Lease { get; }

    /// <summary>Takes claimed deliveries to send; what does not fit is handed back to the queue.</summary>
    void Accept(IReadOnlyList<DueDelivery> deliveries);
}
