namespace Herald.Retries;

public enum OutcomeKind
{
    Success,
    /// <summary>Failed, may be tried again by the schedule.</summary>
    Retry,
    /// <summary>410 Gone: the receiver wants no more; the endpoint is disabled.</summary>
    Gone,
}

/// <summary>How one HTTP attempt ended, as the retry schedule sees it.</summary>
public readonly record struct AttemptOutcome(OutcomeKind Kind, bool SlowDown, TimeSpan? RetryAfter)
{
    /// <summary>Classifies a response status per Standard Webhooks: 2xx succeeds, 3xx fails, 410 disables, 429/502/504 slow down.</summary>
    public static AttemptOutcome FromStatus(int statusCode, TimeSpan? retryAfter) => statusCode switch
    {
        >= 200 and < 300 => new(OutcomeKind.Success, false, null),
        410 => new(OutcomeKind.Gone, false, null),
        429 or 502 or 504 => new(OutcomeKind.Retry, true, retryAfter),
        _ => new(OutcomeKind.Retry, false, retryAfter),
    };

    public static AttemptOutcome Timeout { get; } = new(OutcomeKind.Retry, true, null);

    public static AttemptOutcome NetworkError { get; } = new(OutcomeKind.Retry, false, null);

    /// <summary>Parses a Retry-After value: delta seconds or an HTTP date.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (long.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.FromDays(30).TotalSeconds));
        }
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            var delta = at - now;
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }
        return null;
    }
}
