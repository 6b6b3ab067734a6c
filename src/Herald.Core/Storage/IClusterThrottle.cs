namespace Herald.Storage;

/// <summary>
/// An endpoint's <c>throttleRate</c> kept for the whole cluster: a store whose database several nodes share offers
/// it, so that the rate holds across nodes instead of per node. A store with one node does without (each node's
/// own token bucket is then the whole truth).
/// </summary>
public interface IClusterThrottle
{
    /// <summary>
    /// Reserves up to <paramref name="count"/> consecutive turns of the endpoint, on one schedule of
    /// <paramref name="perSecond"/> sends a second that every node shares: those that come no later than
    /// <paramref name="latest"/> (the last moment the callers can still send: their leases must outlast the request).
    /// Each granted turn is kept by one send, at its time (at once when it is not after <paramref name="now"/>),
    /// without asking again. A turn later than <paramref name="latest"/> is not reserved: a turn nobody sends at
    /// would be a gap in the endpoint's schedule; the answer then tells when the next free turn is.
    /// </summary>
    Task<ThrottleTurns> TakeTurnsAsync(string endpointId, int perSecond, int count, DateTimeOffset now, DateTimeOffset latest, CancellationToken cancellationToken);
}

/// <summary>
/// Turns reserved on a throttled endpoint's schedule: <see cref="Granted"/> of them, the first at
/// <see cref="First"/> and each next one <see cref="Spacing"/> later. With none granted, <see cref="First"/> is the
/// schedule's next free turn.
/// </summary>
public readonly record struct ThrottleTurns(DateTimeOffset First, int Granted, TimeSpan Spacing)
{
    /// <summary>The time of granted turn <paramref name="index"/> (0 is the first).</summary>
    public DateTimeOffset At(int index) => First + (Spacing * index);

    /// <summary>The schedule's next free turn after these.</summary>
    public DateTimeOffset Next => At(Granted);

    /// <summary>The spacing of a schedule of <paramref name="perSecond"/> turns a second, whole microseconds.</summary>
    public static TimeSpan SpacingOf(int perSecond) => TimeSpan.FromTicks(Math.Max(1, 1_000_000 / perSecond) * 10);
}
