using Herald.Storage.Postgres;

namespace Herald.Storage.Tests.Postgres;

/// <summary>The cluster-wide throttle: nodes sharing a database send to an endpoint on one schedule.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresThrottleTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Two_nodes_reserve_turns_on_one_schedule_per_endpoint()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);

        // 5 a second: a turn every 200 ms, each reserved by one ask.
        Assert.Equal(T0, await TurnAsync(a, "ep_one", 5, T0));
        Assert.Equal(T0.AddMilliseconds(200), await TurnAsync(b, "ep_one", 5, T0));
        Assert.Equal(T0.AddMilliseconds(400), await TurnAsync(a, "ep_one", 5, T0.AddMilliseconds(100)));
        Assert.Equal(T0.AddMilliseconds(600), await TurnAsync(b, "ep_one", 5, T0.AddMilliseconds(150)));

        Assert.Equal(T0, await TurnAsync(b, "ep_other", 5, T0)); // another endpoint has its own schedule
        // After a quiet while the schedule starts again from now: no burst is saved up.
        Assert.Equal(T0.AddSeconds(10), await TurnAsync(a, "ep_one", 5, T0.AddSeconds(10)));
        Assert.Equal(T0.AddSeconds(10).AddMilliseconds(200), await TurnAsync(b, "ep_one", 5, T0.AddSeconds(10)));
    }

    [Fact]
    public async Task A_turn_later_than_the_asker_can_use_is_not_reserved()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);
        var at = T0.AddMinutes(20);
        var spacing = TimeSpan.FromMilliseconds(100);
        // Ten turns at once: consecutive, from now.
        Assert.Equal(new ThrottleTurns(at, 10, spacing), await a.TakeTurnsAsync("ep_full", 10, 10, at, at.AddHours(1), Ct));
        // The schedule's next turn is a second away: an asker that must send within half a second is refused and
        // told when the next turn is; nothing is reserved, so the next asker that can wait gets that very turn.
        var refused = await b.TakeTurnsAsync("ep_full", 10, 1, at, at.AddMilliseconds(500), Ct);
        Assert.Equal(new ThrottleTurns(at.AddSeconds(1), 0, spacing), refused);
        Assert.Equal(at.AddSeconds(1), refused.Next);
        // Of five asked, only the three that fall within the askers' reach are granted.
        var some = await b.TakeTurnsAsync("ep_full", 10, 5, at, at.AddMilliseconds(1200), Ct);
        Assert.Equal(new ThrottleTurns(at.AddSeconds(1), 3, spacing), some);
        Assert.Equal(at.AddMilliseconds(1300), some.Next);
        Assert.Equal(0, (await a.TakeTurnsAsync("ep_full", 10, 1, at.AddMilliseconds(50), at.AddMilliseconds(1250), Ct)).Granted);
        Assert.Equal(new ThrottleTurns(at.AddMilliseconds(1300), 1, spacing), await a.TakeTurnsAsync("ep_full", 10, 1, at.AddMilliseconds(50), at.AddMilliseconds(1300), Ct));
        // A quiet endpoint's first turn is now, whatever the asker's reach.
        Assert.Equal(new ThrottleTurns(at, 1, spacing), await a.TakeTurnsAsync("ep_quiet", 10, 1, at, at, Ct));
    }

    [Fact]
    public async Task Concurrent_asks_from_two_nodes_get_distinct_evenly_spaced_turns()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);
        var at = T0.AddMinutes(5);
        var turns = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => TurnAsync((i % 2 == 0 ? a : b), "ep_busy", 8, at)));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => at.AddMilliseconds(125 * i)), turns.Order());
    }

    /// <summary>Asks for a turn with an hour to spare, which is always granted.</summary>
    private static async Task<DateTimeOffset> TurnAsync(PostgresStore store, string endpointId, int perSecond, DateTimeOffset now)
    {
        var turns = await store.TakeTurnsAsync(endpointId, perSecond, 1, now, now.AddHours(1), Ct);
        Assert.Equal(1, turns.Granted);
        return turns.First;
    }

    [Fact]
    public async Task Three_nodes_sending_at_their_turns_keep_every_second_to_the_rate()
    {
        const int rate = 100;
        var nodes = new[] { new PostgresStore(database.ConnectionString), new PostgresStore(database.ConnectionString), new PostgresStore(database.ConnectionString) };
        try
        {
            await nodes[0].InitializeAsync(Ct);
            // Each node has 20 sends waiting and asks again as soon as one has gone at its turn; the clock moves in
            // 1 ms steps.
            var pending = new List<DateTimeOffset>[nodes.Length];
            var sent = new List<DateTimeOffset>();
            var start = T0.AddHours(1);
            for (int n = 0; n < nodes.Length; n++)
            {
                pending[n] = [];
                for (int i = 0; i < 20; i++)
                {
                    pending[n].Add(await TurnAsync(nodes[n], "ep_paced", rate, start));
                }
            }
            for (var now = start; now < start.AddSeconds(3); now = now.AddMilliseconds(1))
            {
                for (int n = 0; n < nodes.Length; n++)
                {
                    foreach (var due in pending[n].Where(t => t <= now).ToList())
                    {
                        pending[n].Remove(due);
                        sent.Add(now);
                        pending[n].Add(await TurnAsync(nodes[n], "ep_paced", rate, now));
                    }
                }
            }
            // Three seconds on the schedule, whichever node sent; any window of one second holds at most rate + 1.
            Assert.InRange(sent.Count, 3 * rate - 1, 3 * rate + 1);
            int busiest = sent.Max(first => sent.Count(t => t >= first && t < first.AddSeconds(1)));
            Assert.InRange(busiest, rate, rate + 1);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
