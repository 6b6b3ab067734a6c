namespace Herald.Breakers;

/// <summary>
/// An endpoint's circuit breaker as stored: open or closed, the failed attempts in a row that count towards opening,
/// and while open since when and when the next probe may go out.
/// </summary>
public sealed record EndpointBreaker
{
    public static readonly EndpointBreaker Closed = new();

    public bool Open { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset? OpenedAt { get; init; }
    public DateTimeOffset? NextProbeAt { get; init; }
    /// <summary>Probes that failed since the breaker opened; each doubles the wait before the next.</summary>
    public int FailedProbes { get; init; }
}

/// <summary>
/// An endpoint's breaker after a batch of results was stored. <see cref="Changed"/> with <see cref="EndpointBreaker.Open"/>
/// means the batch opened it; <see cref="Changed"/> without means the batch closed it (<see cref="EndpointBreaker.OpenedAt"/>
/// is then when it had opened).
/// </summary>
public sealed record BreakerUpdate(string EndpointId, EndpointBreaker Breaker, bool Changed)
{
    public bool Opened => Changed && Breaker.Open;
    public bool Closed => Changed && !Breaker.Open;
}

/// <summary>What to do with a claimed delivery whose endpoint's breaker was open.</summary>
public enum BreakerPass
{
    /// <summary>The breaker has closed meanwhile: send it as usual.</summary>
    Send,
    /// <summary>The probe was due and this delivery took it: send it as the endpoint's one probe.</summary>
    Probe,
    /// <summary>Handed back to the queue, due at the next probe; no attempt is counted.</summary>
    Deferred,
}
