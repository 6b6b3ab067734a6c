namespace Herald.Storage;

/// <summary>
/// An endpoint's <c>throttleRate</c> kept for the whole cluster: a store whose database several nodes share offers
/// it, so that the rate holds across nodes instead of per node. A store with one node does without (each node's
/// own token bucket is then the whole truth).
/// </summary>
public interface IClusterThrottle
{
    /// <summary>
    /// Takes one send from the endpoint's budget of <paramref name="perSecond"/> for the second that holds
    /// <paramref name="now"/>. Null when it was granted; else the start of the next second, when to ask again.
    /// </summary>
    Task<DateTimeOffset?> TryTakeAsync(string endpointId, int perSecond, DateTimeOffset now, CancellationToken cancellationToken);
}
