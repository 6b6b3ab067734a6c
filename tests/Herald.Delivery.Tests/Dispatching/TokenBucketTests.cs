using Herald.Delivery.Dispatching;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Dispatching;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_new_bucket_lets_one_seconds_worth_through_at_once_then_spaces_the_rest()
    {
        var bucket = new TokenBucket(10, _time);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(TimeSpan.Zero, bucket.Take()));
        Assert.Equal(Ms(100), bucket.Take());
        Assert.Equal(Ms(200), bucket.Take()); // reserved behind the previous one
        Assert.Equal(Ms(300), bucket.Take());
    }

    [Fact]
    public void It_refills_at_the_rate_but_never_beyond_one_seconds_worth()
    {
        var bucket = new TokenBucket(10, _time);
        for (int i = 0; i < 10; i++)
        {
            bucket.Take();
        }

        _time.Advance(Ms(250)); // 2.5 tokens
        Assert.Equal(TimeSpan.Zero, bucket.Take());
        Assert.Equal(TimeSpan.Zero, bucket.Take());
        Assert.Equal(Ms(50), bucket.Take());
        Assert.False(bucket.IsFull);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(bucket.IsFull);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(TimeSpan.Zero, bucket.Take()));
        Assert.Equal(Ms(100), bucket.Take());
    }

    [Fact]
    public async Task A_wait_ends_when_its_turn_comes_and_not_before()
    {
        var bucket = new TokenBucket(4, _time);
        for (int i = 0; i < 4; i++)
        {
            Assert.False(await bucket.WaitAsync(CancellationToken.None));
        }

        var first = bucket.WaitAsync(CancellationToken.None).AsTask();
        var second = bucket.WaitAsync(CancellationToken.None).AsTask();
        _time.Advance(Ms(249));
        Assert.False(first.IsCompleted);
        _time.Advance(Ms(1));
        Assert.True(await first);
        Assert.False(second.IsCompleted);
        _time.Advance(Ms(250));
        Assert.True(await second);
    }

    [Fact]
    public async Task A_wait_is_cut_short_by_cancellation()
    {
        var bucket = new TokenBucket(1, _time);
        bucket.Take();
        using var stop = new CancellationTokenSource();

        var waiting = bucket.WaitAsync(stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void A_lower_rate_drops_the_tokens_above_its_burst_and_spaces_later_sends_at_the_new_rate()
    {
        var bucket = new TokenBucket(100, _time);

        bucket.SetRate(2);

        Assert.Equal(2, bucket.Rate);
        Assert.Equal(TimeSpan.Zero, bucket.Take());
        Assert.Equal(TimeSpan.Zero, bucket.Take());
        Assert.Equal(Ms(500), bucket.Take());
        Assert.Equal(Ms(1000), bucket.Take());
    }

    [Fact]
    public void A_changed_rate_keeps_the_turns_already_promised_and_paces_the_next_ones_at_the_new_rate()
    {
        var bucket = new TokenBucket(10, _time);
        for (int i = 0; i < 10; i++)
        {
            bucket.Take();
        }
        Assert.Equal(Ms(100), bucket.Take());
        Assert.Equal(Ms(200), bucket.Take()); // the bucket is promised until 200 ms from now

        bucket.SetRate(1);
        Assert.Equal(Ms(1200), bucket.Take());

        bucket.SetRate(50);
        Assert.Equal(Ms(1220), bucket.Take());
    }

    [Fact]
    public void A_higher_rate_refills_faster_without_granting_tokens_at_once()
    {
        var bucket = new TokenBucket(1, _time);
        bucket.Take();

        bucket.SetRate(10);

        Assert.Equal(Ms(100), bucket.Take());
        _time.Advance(Ms(1099));
        Assert.False(bucket.IsFull);
        _time.Advance(Ms(1)); // 100 ms to repay the reserved turn, one second to fill up
        Assert.True(bucket.IsFull);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(TimeSpan.Zero, bucket.Take()));
    }
}
