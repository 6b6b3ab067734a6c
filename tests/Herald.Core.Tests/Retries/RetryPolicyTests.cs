using Herald.Retries;

namespace Herald.Core.Tests.Retries;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new();

    [Fact]
    public void The_default_schedule_is_five_seconds_then_five_minutes_and_so_on()
    {
        var failed = AttemptOutcome.FromStatus(500, null);
        var expected = new[] { 5, 300, 1800, 7200, 18000, 36000, 36000 };
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(expected[i]), Policy.NextDelay(i + 1, failed, 0.5));
        }
        Assert.Null(Policy.NextDelay(expected.Length + 1, failed, 0.5));
    }

    [Fact]
    public void Jitter_spreads_delays_twenty_percent_either_way()
    {
        var failed = AttemptOutcome.FromStatus(500, null);
        Assert.Equal(TimeSpan.FromSeconds(4), Policy.NextDelay(1, failed, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(6), Policy.NextDelay(1, failed, 1.0));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(504)]
    public void Slow_down_statuses_wait_at_least_a_minute(int status) =>
        Assert.Equal(TimeSpan.FromSeconds(60), Policy.NextDelay(1, AttemptOutcome.FromStatus(status, null), 0.5));

    [Fact]
    public void A_timeout_waits_at_least_a_minute() => Assert.Equal(TimeSpan.FromSeconds(60), Policy.NextDelay(1, AttemptOutcome.Timeout, 0.5));

    [Fact]
    public void Retry_after_is_honoured_within_bounds()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), Policy.NextDelay(1, AttemptOutcome.FromStatus(503, TimeSpan.FromSeconds(120)), 0.5));
        Assert.Equal(Policy.MaxRetryAfter, Policy.NextDelay(1, AttemptOutcome.FromStatus(503, TimeSpan.FromDays(3)), 0.5));
        // A Retry-After shorter than the schedule does not shorten it.
        Assert.Equal(TimeSpan.FromMinutes(5), Policy.NextDelay(2, AttemptOutcome.FromStatus(503, TimeSpan.FromSeconds(1)), 0.5));
    }

    [Theory]
    [InlineData(200, OutcomeKind.Success)]
    [InlineData(204, OutcomeKind.Success)]
    [InlineData(301, OutcomeKind.Retry)]
    [InlineData(302, OutcomeKind.Retry)]
    [InlineData(400, OutcomeKind.Retry)]
    [InlineData(410, OutcomeKind.Gone)]
    [InlineData(500, OutcomeKind.Retry)]
    public void Statuses_are_classified_per_standard_webhooks(int status, OutcomeKind kind) =>
        Assert.Equal(kind, AttemptOutcome.FromStatus(status, null).Kind);

    [Fact]
    public void Gone_and_success_are_never_retried()
    {
        Assert.Null(Policy.NextDelay(1, AttemptOutcome.FromStatus(410, null), 0.5));
        Assert.Null(Policy.NextDelay(1, AttemptOutcome.FromStatus(200, null), 0.5));
    }

    [Fact]
    public void Retry_after_parses_seconds_and_dates()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(30), AttemptOutcome.ParseRetryAfter("30", now));
        Assert.Equal(TimeSpan.FromSeconds(90), AttemptOutcome.ParseRetryAfter("Thu, 01 Jan 2026 00:01:30 GMT", now));
        Assert.Null(AttemptOutcome.ParseRetryAfter("soon", now));
    }
}
