using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Scale;

/// <summary>
/// Two Herald processes on one PostgreSQL database share an endpoint's circuit breaker: both report the same state,
/// while it is open the two together send one probe at a time and nothing else, and once the receiver recovers every
/// held-back message is delivered exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterBreakerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Threshold = 3;
    private static readonly TimeSpan OpenInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Watched = TimeSpan.FromSeconds(6);
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("clusterbreaker");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task Two_nodes_agree_on_an_open_breaker_probe_one_at_a_time_and_deliver_every_held_message_once_it_closes()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var healthy = false;
        var answered = new ConcurrentQueue<(DateTimeOffset Start, DateTimeOffset End, bool Ok, string Id)>();
        receiver.Respond = async (ctx, request) =>
        {
            bool ok = Volatile.Read(ref healthy);
            if (!ok)
            {
                // A slow failure, so that two probes sent at once would overlap at the receiver.
                await Task.Delay(300);
                ctx.Response.StatusCode = 500;
            }
            await ctx.Response.WriteAsync(ok ? "ok" : "down");
            answered.Enqueue((request.At, DateTimeOffset.UtcNow, ok, request.Header("webhook-id")!));
        };
        var settings = new Dictionary<string, string>
        {
            ["Herald__Delivery__Breaker__FailureThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Herald__Delivery__Breaker__OpenInterval"] = "00:00:01",
            ["Herald__Delivery__Breaker__MaxOpenInterval"] = "00:00:02",
        };
        // Retries one second apart, more of them than the test can use up: no message gives up while the breaker holds it.
        for (int i = 0; i < 30; i++)
        {
            settings[$"Herald__Delivery__RetrySchedule__{i}"] = "00:00:01";
        }
        await using var cluster = await Cluster.StartAsync(_database, 2, TimeSpan.FromSeconds(20), settings);
        string app = await cluster.CreateAppAsync();
        using var created = await cluster.Node(0).PostAsync($"/api/v1/app/{app}/endpoint", HeraldHost.Json(new { url = receiver.Url() }));
        string endpoint = (await HeraldHost.ReadAsync(created, 201))["id"]!.GetValue<string>();

        // Failures through both nodes open the breaker; both nodes then report it open.
        var sent = new List<string>();
        sent.AddRange(await SendAsync(cluster, app, 6, 0));
        var states = await Eventually.WaitAsync(() => BreakersAsync(cluster, app, endpoint), b => b.All(x => x?["state"]?.GetValue<string>() == "open"),
            TimeSpan.FromSeconds(60), "both nodes to report the breaker open");
        Assert.True(states[0]!["consecutiveFailures"]!.GetValue<int>() >= Threshold);
        Assert.Equal(states[0]!["openedAt"]!.GetValue<DateTimeOffset>(), states[1]!["openedAt"]!.GetValue<DateTimeOffset>());
        // Every first attempt is made and answered before the watch starts (a node may still hold one it claimed
        // before the breaker opened); later attempts are retries, which the open breaker holds back.
        await Eventually.WaitAsync(() => sent.ToHashSet().IsSubsetOf(answered.Select(a => a.Id)), TimeSpan.FromSeconds(30), "every first attempt answered");
        int before = receiver.Count;

        // While open, more messages through both nodes: what reaches the receiver is the probes, one at a time.
        var watchFrom = DateTimeOffset.UtcNow;
        sent.AddRange(await SendAsync(cluster, app, 40, 100));
        await Task.Delay(Watched - (DateTimeOffset.UtcNow - watchFrom));
        var watchTo = DateTimeOffset.UtcNow;
        var probes = answered.Where(a => a.Start >= watchFrom && a.Start < watchTo).OrderBy(a => a.Start).ToList();
        output.WriteLine($"{before} requests before the watch, {probes.Count} in the {(watchTo - watchFrom).TotalSeconds:0.0} s watched: " +
            string.Join(", ", probes.Select(p => $"{(p.Start - watchFrom).TotalSeconds:0.00}-{(p.End - watchFrom).TotalSeconds:0.00}")));
        Assert.NotEmpty(probes);
        // At most one probe per open interval (the wait only grows while probes fail), whichever node sends it.
        Assert.InRange(probes.Count, 1, (int)((watchTo - watchFrom) / OpenInterval) + 1);
        for (int i = 1; i < probes.Count; i++)
        {
            Assert.True(probes[i].Start >= probes[i - 1].End, $"probe {i} started at {probes[i].Start:O} while probe {i - 1} was unanswered until {probes[i - 1].End:O}");
        }
        Assert.All(await BreakersAsync(cluster, app, endpoint), b => Assert.Equal("open", b?["state"]?.GetValue<string>()));

        // The receiver recovers: the next probe closes the breaker on both nodes and every message arrives once.
        Volatile.Write(ref healthy, true);
        var expected = sent.ToHashSet();
        await Eventually.WaitAsync(() => expected.IsSubsetOf(answered.Where(a => a.Ok).Select(a => a.Id)), TimeSpan.FromSeconds(60),
            $"all {expected.Count} messages delivered");
        await Eventually.WaitAsync(() => BreakersAsync(cluster, app, endpoint), b => b.All(x => x is null || x["state"]!.GetValue<string>() == "closed"),
            TimeSpan.FromSeconds(30), "both nodes to report the breaker closed");
        // A stray second delivery needs a delivery still pending (a retry). Once every delivery to the endpoint is stored
        // as succeeded, none is, and none can become so: what arrived is all that will.
        await Eventually.WaitAsync(async () => await HeraldHost.ReadAsync(await cluster.Node(0).GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}/msg?limit=250"), 200),
            m => m["data"]!.AsArray().Count == expected.Count && m["data"]!.AsArray().All(x => x!["statusText"]!.GetValue<string>() == "success"),
            TimeSpan.FromSeconds(30), "every delivery to the endpoint stored as succeeded");
        var delivered = answered.Where(a => a.Ok).GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{sent.Count} messages, {answered.Count} requests in all, {delivered.Values.Sum()} successful deliveries");
        Assert.Equal(expected, delivered.Keys.ToHashSet());
        Assert.All(delivered, d => Assert.True(d.Value == 1, $"{d.Key} delivered {d.Value} times"));
    }

    /// <summary>Sends <paramref name="count"/> messages, alternating between the two nodes; returns their ids.</summary>
    private static async Task<string[]> SendAsync(Cluster cluster, string app, int count, int first) =>
        await Task.WhenAll(Enumerable.Range(first, count).Select(async n =>
        {
            using var response = await cluster.Node(n % 2).PostAsync($"/api/v1/app/{app}/msg", HeraldHost.Json(new { eventType = "order.paid", payload = new { n } }));
            return (await HeraldHost.ReadAsync(response, 202))["id"]!.GetValue<string>();
        }));

    /// <summary>The endpoint's <c>breaker</c> field as each node reports it (null while closed with no failure counted).</summary>
    private static async Task<JsonNode?[]> BreakersAsync(Cluster cluster, string app, string endpoint) =>
        await Task.WhenAll(Enumerable.Range(0, cluster.Size).Select(async i =>
        {
            using var response = await cluster.Node(i).GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}");
            return (await HeraldHost.ReadAsync(response, 200))["breaker"];
        }));
}
