using Herald.Storage.Postgres;

namespace Herald.Storage.Tests.Postgres;

/// <summary>The cluster-wide throttle: nodes sharing a database send to an endpoint on one schedule.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresThrottleTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Two_nodes_take_turns_on_one_schedule_per_endpoint()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);

        // 5 a second: a turn every 200 ms, taken up to 20 ms early.
        Assert.Null(await a.TryTakeAsync("ep_one", 5, T0, Ct));
        Assert.Equal(T0.AddMilliseconds(180), await b.TryTakeAsync("ep_one", 5, T0, Ct));
        Assert.Equal(T0.AddMilliseconds(180), await a.TryTakeAsync("ep_one", 5, T0.AddMilliseconds(100), Ct));
        Assert.Null(await b.TryTakeAsync("ep_one", 5, T0.AddMilliseconds(180), Ct));
        // Taken 20 ms early, the turn after it still comes 200 ms later: the schedule does not drift.
        Assert.Equal(T0.AddMilliseconds(380), await a.TryTakeAsync("ep_one", 5, T0.AddMilliseconds(190), Ct));

        Assert.Null(await b.TryTakeAsync("ep_other", 5, T0, Ct)); // another endpoint has its own schedule
        // After a quiet while, the schedule starts again from the next send: no burst is saved up.
        Assert.Null(await a.TryTakeAsync("ep_one", 5, T0.AddSeconds(10), Ct));
        Assert.Equal(T0.AddSeconds(10).AddMilliseconds(180), await b.TryTakeAsync("ep_one", 5, T0.AddSeconds(10), Ct));
    }

    [Theory]
    [InlineData(7, 1)]
    [InlineData(100, 2)] // a turn every 10 ms, taken up to 10 ms early: two at one instant, never three
    public async Task Concurrent_takes_at_one_instant_grant_at_most_one_turn_early(int rate, int granted)
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);
        string endpoint = "ep_busy_" + rate;
        var takes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).TryTakeAsync(endpoint, rate, T0.AddMinutes(5), Ct)));
        Assert.Equal(granted, takes.Count(x => x is null));
    }

    [Fact]
    public async Task Three_nodes_asking_whenever_told_keep_every_second_to_the_rate()
    {
        const int rate = 100;
        var nodes = new[] { new PostgresStore(database.ConnectionString), new PostgresStore(database.ConnectionString), new PostgresStore(database.ConnectionString) };
        try
        {
            await nodes[0].InitializeAsync(Ct);
            // Each node has sends waiting and asks again exactly when it is told to; the clock moves in 1 ms steps.
            var nextAsk = new DateTimeOffset[nodes.Length];
            Array.Fill(nextAsk, T0.AddHours(1));
            var granted = new List<DateTimeOffset>();
            for (var now = T0.AddHours(1); now < T0.AddHours(1).AddSeconds(3); now = now.AddMilliseconds(1))
            {
                for (int n = 0; n < nodes.Length; n++)
                {
                    if (now < nextAsk[n])
                    {
                        continue;
                    }
                    var answer = await nodes[n].TryTakeAsync("ep_paced", rate, now, Ct);
                    if (answer is null)
                    {
                        granted.Add(now);
                    }
                    else
                    {
                        nextAsk[n] = answer.Value;
                    }
                }
            }
            // Three seconds on the schedule, whichever node sent; any window of one second holds at most rate + 2.
            Assert.InRange(granted.Count, 3 * rate - 3, 3 * rate + 2);
            int busiest = granted.Max(start => granted.Count(t => t >= start && t < start.AddSeconds(1)));
            Assert.InRange(busiest, rate, rate + 2);
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
