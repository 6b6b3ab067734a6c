using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Scale;

/// <summary>An endpoint's throttleRate holds across PostgreSQL nodes, not per node.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterThrottleTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("clusterthrottle");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task Two_nodes_together_send_at_the_endpoints_rate()
    {
        const int rate = 4;
        const int messages = 32;
        await using var receiver = await TestReceiver.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Herald:Storage:Provider"] = "postgres",
            ["Herald:Storage:ConnectionString"] = _database,
            ["Herald:Delivery:PollInterval"] = "00:00:00.200",
            ["Herald:Delivery:RequestTimeout"] = "00:00:05",
            ["Herald:Delivery:Lease"] = "00:01:00",
        };
        await using var a = await HeraldHost.StartAsync(settings);
        await using var b = await HeraldHost.StartAsync(settings);
        string app = await a.CreateAppAsync("Throttled Shop");
        await a.CreateEndpointAsync(app, receiver.Url(), new { throttleRate = rate });

        // Half the messages through each node: a node that accepts a message also sends it, so both nodes send.
        await Task.WhenAll(Enumerable.Range(0, messages).Select(i => (i % 2 == 0 ? a : b).SendAsync(app, "order.paid", new { i })));
        await receiver.WaitForAsync(messages, TimeSpan.FromSeconds(60));

        // Both nodes send on one schedule: any second, wherever it starts, holds at most the rate plus one send
        // (arrival times also carry the network's jitter, which may bunch two turns: one more is allowed for it).
        var arrivals = receiver.Received.Select(r => r.At).Order().ToList();
        int busiest = arrivals.Max(start => arrivals.Count(t => t >= start && t < start.AddSeconds(1)));
        Assert.InRange(busiest, 1, rate + 2);
        var span = receiver.Received.Max(r => r.At) - receiver.Received.Min(r => r.At);
        // Each node alone at `rate` would be done in about messages / 2 / rate seconds; together at `rate`, twice that.
        Assert.True(span >= TimeSpan.FromSeconds((messages / rate) - 2), $"{messages} messages arrived within {span.TotalSeconds:0.0} s");
    }
}
