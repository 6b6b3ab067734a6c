using Herald.Delivery.Dispatching;
using Herald.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>This node's side of the cluster throttle: shared reservations, turns kept only on time, refusals.</summary>
public sealed class ClusterTurnsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A schedule as the store keeps it, answering only when told to, so that askers can gather.</summary>
    private sealed class Schedule(TimeProvider time) : IClusterThrottle
    {
        private readonly SemaphoreSlim _answer = new(0);
        private DateTimeOffset _next = DateTimeOffset.MinValue;

        public List<int> Asked { get; } = [];

        public bool Held { get; set; }

        public void Answer(int count = 1) => _answer.Release(count);

        public async Task<ThrottleTurns> TakeTurnsAsync(string endpointId, int perSecond, int count, DateTimeOffset now, DateTimeOffset latest, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add(count);
            }
            if (Held)
            {
                await _answer.WaitAsync(cancellationToken);
            }
            var spacing = ThrottleTurns.SpacingOf(perSecond);
            var start = _next > time.GetUtcNow() ? _next : time.GetUtcNow();
            int granted = start > latest ? 0 : (int)Math.Min(count, ((latest - start).Ticks / spacing.Ticks) + 1);
            _next = start + (spacing * granted);
            return new ThrottleTurns(start, granted, spacing);
        }
    }

    [Fact]
    public async Task Senders_that_ask_together_share_one_reservation_and_go_at_their_own_turns()
    {
        var time = new FakeTimeProvider(T0);
        var schedule = new Schedule(time) { Held = true };
        var turns = new ClusterTurns(schedule, time);
        var first = turns.WaitForTurnAsync("ep_1", 10, T0.AddMinutes(1), CancellationToken.None);
        await WaitUntilAsync(() => schedule.Asked.Count == 1);
        // While the first reservation is out, four more gather and are served by the next one, all at once.
        var rest = Enumerable.Range(0, 4).Select(_ => turns.WaitForTurnAsync("ep_1", 10, T0.AddMinutes(1), CancellationToken.None)).ToList();
        schedule.Answer(2);
        Assert.Null(await first); // its turn is now
        await WaitUntilAsync(() => schedule.Asked.Count == 2);
        Assert.Equal([1, 4], schedule.Asked);
        // Their turns are 100 ms apart after the first one's: each comes when the clock reaches it.
        for (int i = 1; i <= 4; i++)
        {
            await Task.Delay(20);
            Assert.Equal(i - 1, rest.Count(t => t.IsCompleted));
            time.Advance(TimeSpan.FromMilliseconds(100));
            await WaitUntilAsync(() => rest.Count(t => t.IsCompleted) == i);
        }
        Assert.All(await Task.WhenAll(rest), Assert.Null);
    }

    [Fact]
    public async Task A_sender_late_for_its_turn_asks_again_and_is_refused_after_a_few_misses()
    {
        var time = new FakeTimeProvider(T0);
        // The store's answer takes longer than the tolerance each time (the clock moves on while it is asked).
        var turns = new ClusterTurns(new LateSchedule(time), time);
        var missed = await turns.WaitForTurnAsync("ep_late", 100, T0.AddMinutes(1), CancellationToken.None);
        Assert.Equal(time.GetUtcNow(), missed);
    }

    private sealed class LateSchedule(FakeTimeProvider time) : IClusterThrottle
    {
        public Task<ThrottleTurns> TakeTurnsAsync(string endpointId, int perSecond, int count, DateTimeOffset now, DateTimeOffset latest, CancellationToken cancellationToken)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return Task.FromResult(new ThrottleTurns(now, count, ThrottleTurns.SpacingOf(perSecond)));
        }
    }

    [Fact]
    public async Task A_schedule_full_beyond_the_lease_refuses_with_its_next_free_turn()
    {
        var time = new FakeTimeProvider(T0);
        var schedule = new Schedule(time);
        var turns = new ClusterTurns(schedule, time);
        // 2 a second and a reach of 1.2 s: three turns fit (now, +0.5 s, +1 s), the fourth is refused.
        var waits = Enumerable.Range(0, 4).Select(_ => turns.WaitForTurnAsync("ep_full", 2, T0.AddMilliseconds(1200), CancellationToken.None)).ToList();
        await WaitUntilAsync(() => waits.Count(w => w.IsCompleted) == 2);
        Assert.Equal(T0.AddMilliseconds(1500), await waits.Single(w => w.IsCompleted && w.Result is not null));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DateTimeOffset?[] { null, null, null, T0.AddMilliseconds(1500) }, (await Task.WhenAll(waits)).OrderBy(w => w.HasValue));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }
}
