namespace Herald.Breakers;

/// <summary>
/// When an endpoint's circuit breaker opens and how often it is probed while open. After
/// <see cref="FailureThreshold"/> failed attempts in a row the endpoint's deliveries are held back (not attempted,
/// no retry used up) and one probe goes out after <see cref="OpenInterval"/>, then after twice that after each failed
/// probe, up to <see cref="MaxOpenInterval"/>. Any successful attempt closes the breaker and makes every held-back
/// and waiting delivery of the endpoint due at once.
/// </summary>
public sealed record BreakerPolicy
{
    public required int FailureThreshold { get; init; }
    public required TimeSpan OpenInterval { get; init; }
    public required TimeSpan MaxOpenInterval { get; init; }

    /// <summary>The wait before the next probe once <paramref name="failedProbes"/> probes have failed.</summary>
    public TimeSpan IntervalAfter(int failedProbes)
    {
        var interval = OpenInterval;
        for (int i = 0; i < failedProbes && interval < MaxOpenInterval; i++)
        {
            interval += interval;
        }
        return interval < MaxOpenInterval ? interval : MaxOpenInterval;
    }
}
