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
}
