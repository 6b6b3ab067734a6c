namespace Herald.Storage;

/// <summary>
/// An endpoint's <c>throttleRate</c> kept for the whole cluster: a store whose database several nodes share offers
/// it, so that the rate holds across nodes instead of per node. A store with one node does without (each node's
/// own token bucket is then the whole truth).
/// </summary>
public interface IClusterThrottle
{
    /// <summary>
    /// Takes the endpoint's next turn to send, on a schedule of <paramref name="perSecond"/> sends a second that every
    /// node shares. Null when it was granted; else when to ask again (the turn's time).
    /// </summary>
    Task<DateTimeOffset?> TryTakeAsync(string endpointId, int perSecond, DateTimeOffset now, CancellationToken cancellationToken);
}
