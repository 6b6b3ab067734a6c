namespace Herald.Retries;

/// <summary>When to try a failed delivery again. Defaults follow the Standard Webhooks example schedule.</summary>
public sealed record RetryPolicy
{
    public static readonly IReadOnlyList<TimeSpan> DefaultSchedule =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];

    /// <summary>Delays after the first, second, … failed attempt. Its length is the number of retries.</summary>
    public IReadOnlyList<TimeSpan> Schedule { get; init; } = DefaultSchedule;

    /// <summary>Each delay is spread uniformly by this fraction either way.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>A 429, 502, 504 or a timeout waits at least this long.</summary>
    public TimeSpan SlowDownMinimum { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A receiver's Retry-After is honoured up to this bound.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// The delay before the next attempt after <paramref name="attemptsMade"/> attempts, or null when the
    /// schedule is exhausted or the outcome is final.
    /// </summary>
    public TimeSpan? NextDelay(int attemptsMade, AttemptOutcome outcome, double random01)
    {
        if (outcome.Kind != OutcomeKind.Retry || attemptsMade < 1 || attemptsMade > Schedule.Count)
        {
            return null;
        }
        var baseDelay = Schedule[attemptsMade - 1];
        var delay = baseDelay * (1 + (Jitter * ((2 * random01) - 1)));
        if (outcome.SlowDown && delay < SlowDownMinimum)
        {
            delay = SlowDownMinimum;
        }
        if (outcome.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter < MaxRetryAfter ? retryAfter : MaxRetryAfter;
        }
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
