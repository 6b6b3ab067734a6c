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
    /// every node shares, when that turn comes no later than <paramref name="latest"/> (the last moment the caller
    /// can still send: its lease must outlast the request). Granted, the caller sends at the turn (at once when it
    /// is not after <paramref name="now"/>) without asking again. Refused, nothing is reserved and the answer holds
    /// the schedule's next free turn: the caller hands the delivery back rather than hold a turn it could not use,
    /// which would leave a gap in the endpoint's schedule.
    /// </summary>
    Task<ThrottleTurn> TakeTurnAsync(string endpointId, int perSecond, DateTimeOffset now, DateTimeOffset latest, CancellationToken cancellationToken);
}

/// <summary>The answer to a request for a throttled endpoint's turn: the reserved turn, or (refused) the next free one.</summary>
public readonly record struct ThrottleTurn(DateTimeOffset At, bool Granted);
