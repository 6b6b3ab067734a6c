using System.Collections.Concurrent;
using Herald.Delivery.Dispatching;
using Herald.Storage;
using Herald.Storage.Queue;
using Herald.Testing;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>
/// A delivery observer registered after Herald's own: the dispatcher calls observers in order on its writer loop, so
/// once this one has seen an outcome, the operational and metrics observers have reacted to it as well.
/// </summary>
public sealed class OutcomeLog : IDeliveryObserver
{
    private readonly ConcurrentDictionary<string, int> _attemptsByMessage = new(StringComparer.Ordinal);

    /// <summary>Registers a new log as the last delivery observer of the host being built.</summary>
    public static Action<IServiceCollection> Register(OutcomeLog log) => services => services.AddSingleton<IDeliveryObserver>(log);

    public int AttemptsOf(string msgId) => _attemptsByMessage.GetValueOrDefault(msgId);

    public Task WaitForAttemptsAsync(string msgId, int count) =>
        Eventually.WaitAsync(() => AttemptsOf(msgId) >= count, TimeSpan.FromSeconds(20), $"{count} recorded attempts of {msgId}");

    public void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes)
    {
        foreach (var (delivery, result) in outcomes)
        {
            if (result.Attempt is not null)
            {
                _attemptsByMessage.AddOrUpdate(delivery.MsgId, 1, (_, n) => n + 1);
            }
        }
    }

    public void EndpointsDisabled(IReadOnlyList<string> endpointIds)
    {
    }
}
