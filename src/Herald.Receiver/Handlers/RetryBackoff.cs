namespace Herald.Receiver.Handlers;

/// <summary>Exponential backoff between handler attempts: initial, 2×, 4×… capped at the maximum.</summary>
internal static class RetryBackoff
{
    public static TimeSpan DelayAfter(int attempt, HandlerOptions options)
    {
        int doublings = Math.Clamp(attempt - 1, 0, 30);
        double ticks = options.InitialRetryDelay.Ticks * Math.Pow(2, doublings);
        return ticks >= options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }
}
