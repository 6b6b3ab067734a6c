using Herald.Breakers;
using Herald.Storage.Queue;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// Told about each delivery outcome once it is stored, about endpoints the results disabled, and about circuit
/// breakers the results opened or closed. Metrics and
/// operational webhooks hang off this. Called on the dispatcher's writer loop: implementations must be quick
/// and must not throw.
/// </summary>
public interface IDeliveryObserver
{
    void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes);

    void EndpointsDisabled(IReadOnlyList<string> endpointIds);

    /// <summary>Breakers that the stored batch opened (<see cref="BreakerUpdate.Opened"/>) or closed.</summary>
    void BreakersChanged(IReadOnlyList<BreakerUpdate> changes)
    {
    }
}
