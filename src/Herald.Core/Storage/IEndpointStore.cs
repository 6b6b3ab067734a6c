using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// An application's endpoints, their statistics, and the bulk operations on one endpoint's deliveries (recover, replay).
/// </summary>
public interface IEndpointStore
{
    Task CreateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken);

    Task<Endpoint?> GetEndpointAsync(string appId, string idOrUid, CancellationToken cancellationToken);

    Task<Page<Endpoint>> ListEndpointsAsync(string appId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Replaces the endpoint's mutable fields (url, filters, headers, secrets, state).</summary>
    Task UpdateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken);

    Task<bool> DeleteEndpointAsync(string appId, string endpointId, CancellationToken cancellationToken);

    Task<EndpointStats> GetEndpointStatsAsync(string appId, string endpointId, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken);

    /// <summary>Makes failed deliveries of the endpoint created in [since, until) due again; returns how many.</summary>
    Task<int> RecoverEndpointAsync(string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a manual attempt to the endpoint, due now, of every message of the application created in [since, until)
    /// that the endpoint's filters accept and that never reached it (no successful attempt, none being sent).
    /// Returns how many; none when the endpoint is disabled.
    /// </summary>
    Task<int> ReplayMissingAsync(string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The sequences of an ordered endpoint that are not moving (their head failed at least once, or holds its key
    /// after its last retry), oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<OrderingBlock>> ListOrderingBlocksAsync(string appId, string endpointId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up on the held heads of an ordered endpoint (of one key, or all when <paramref name="key"/> is null):
    /// they stay failed and the next message of each key becomes due. Returns how many were released.
    /// </summary>
    Task<int> SkipHeldAsync(string appId, string endpointId, string? key, DateTimeOffset now, CancellationToken cancellationToken);
}
