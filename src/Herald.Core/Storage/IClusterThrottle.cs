namespace Herald.Storage;

/// <summary>
/// An endpoint's <c>throttleRate</c> kept for the whole cluster: a store whose database several nodes share offers
/// it, so that the rate holds across nodes instead of per node. A store with one node does without (each node's
/// own token bucket is then the whole truth).
/// </summary>
public interface IClusterThrottle
{
    /// <summary>
    /// Reserves the endpoint's next turn to send, on one schedule of <paramref name="perSecond"/> sends a second that
    /// every node shares, and returns its time: the caller sends then (at once when it is not after
    /// <paramref name="now"/>) without asking again.
    /// </summary>
    Task<DateTimeOffset> TakeTurnAsync(string endpointId, int perSecond, DateTimeOffset now, CancellationToken cancellationToken);
}
