using Herald.Server.Streaming;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Server.Tests.Scale;

/// <summary>The live tail of one PostgreSQL node shows the deliveries another node makes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTailTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("clustertail");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    private Dictionary<string, string?> Node(string roles) => new()
    {
        ["Herald:Storage:Provider"] = "postgres",
        ["Herald:Storage:ConnectionString"] = _database,
        ["Herald:Roles"] = roles,
        ["Herald:Delivery:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_node_that_does_not_deliver_shows_the_deliveries_of_the_node_that_does()
    {
        await using var receiver = await TestReceiver.StartAsync();
        // The watched node only serves the API and the dashboard: every delivery is made by the other node.
        await using var watched = await HeraldHost.StartAsync(Node("api"));
        await using var delivering = await HeraldHost.StartAsync(Node("api,dispatcher"));
        string app = await watched.CreateAppAsync("Tail Shop");
        var (endpoint, _) = await watched.CreateEndpointAsync(app, receiver.Url());

        using var subscription = watched.Services.GetRequiredService<DeliveryFeed>().Subscribe();
        // The watch mark reaches the delivering node within a few seconds; messages sent until then are not shown.
        var seen = new List<TailEvent>();
        string? shown = null;
        for (int round = 0; round < 60 && shown is null; round++)
        {
            string msg = await watched.SendAsync(app, "order.paid", new { round });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                while (shown is null && await subscription.Reader.WaitToReadAsync(wait.Token))
                {
                    while (subscription.Reader.TryRead(out var e))
                    {
                        seen.Add(e);
                        shown = e.MsgId == msg ? msg : shown;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // not yet: send another
            }
        }

        Assert.NotNull(shown);
        var e2 = Assert.Single(seen, e => e.MsgId == shown);
        Assert.Equal(app, e2.AppId);
        Assert.Equal(endpoint, e2.EndpointId);
        Assert.Equal("success", e2.Status);
        Assert.Equal(200, e2.Code);
        Assert.Contains(receiver.Received, r => r.Header("webhook-id") == shown);
    }

    [Fact]
    public async Task Nobody_watching_means_no_node_broadcasts()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var outcomes = new OutcomeLog();
        await using var delivering = await HeraldHost.StartAsync(Node("api,dispatcher"), services: OutcomeLog.Register(outcomes));
        string app = await delivering.CreateAppAsync("Quiet Shop");
        await delivering.CreateEndpointAsync(app, receiver.Url());
        var feed = delivering.Services.GetRequiredService<DeliveryFeed>();
        string msg = await delivering.SendAsync(app, "order.paid", new { n = 1 });
        await receiver.WaitForAsync(1);
        await outcomes.WaitForAttemptsAsync(msg, 1); // the feed has seen the outcome (it observes before the log)
        // The node has read the watch mark twice since: it has decided, with the outcome in hand, that nobody watches.
        long checks = feed.WatchChecks;
        await Eventually.WaitAsync(() => feed.WatchChecks >= checks + 2, TimeSpan.FromSeconds(15), "two reads of the watch mark");
        Assert.False(feed.Forwarding);
        Assert.False(feed.Outbound.TryPeek(out _));
    }
}
