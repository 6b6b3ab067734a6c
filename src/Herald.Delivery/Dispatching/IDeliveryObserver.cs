using Herald.Storage;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// Told about each delivery outcome once it is stored, and about endpoints the results disabled. Metrics and
/// operational webhooks hang off this. Called on the dispatcher's writer loop: implementations must be quick
/// and must not throw.
/// </summary>
public interface IDeliveryObserver
{
    void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes);

    void EndpointsDisabled(IReadOnlyList<string> endpointIds);
}
