using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Scale;

/// <summary>Three Herald nodes on one PostgreSQL database: every message reaches every endpoint, also when a node dies.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("multinode");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    private static (int Deliveries, int Distinct, int Duplicates) Count(TestReceiver[] receivers)
    {
        var pairs = receivers.SelectMany((r, i) => r.Received.Select(x => (i, x.Header("webhook-id")))).ToList();
        int distinct = pairs.Distinct().Count();
        return (pairs.Count, distinct, pairs.Count - distinct);
    }

    [Fact]
    public async Task Three_nodes_deliver_a_burst_to_every_endpoint()
    {
        var receivers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestReceiver.StartAsync()));
        await using var cluster = await Cluster.StartAsync(_database, 3, TimeSpan.FromSeconds(30));
        string app = await cluster.CreateAppAsync();
        foreach (var r in receivers)
        {
            await cluster.CreateEndpointAsync(app, r.Url());
        }
        var acknowledged = await cluster.BurstAsync(app, 3000);
        Assert.Equal(3000, acknowledged.Count);
        var expected = acknowledged.ToHashSet();
        foreach (var r in receivers)
        {
            await Eventually.WaitAsync(() => expected.IsSubsetOf(r.Received.Select(x => x.Header("webhook-id")!)), TimeSpan.FromSeconds(120), "every message at every endpoint");
        }
        var (deliveries, distinct, duplicates) = Count(receivers);
        output.WriteLine($"3 nodes: acknowledged {expected.Count}, deliveries {deliveries}, distinct {distinct}, duplicates {duplicates}");
        Assert.Equal(9000, distinct);
        Assert.Equal(0, duplicates);
        foreach (var r in receivers)
        {
            await r.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_killed_mid_burst_leaves_work_that_the_others_deliver()
    {
        var receivers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => TestReceiver.StartAsync()));
        foreach (var r in receivers)
        {
            // Slow enough that the killed node holds claimed work when it dies.
            r.Respond = async (ctx, _) =>
            {
                await Task.Delay(20);
                await ctx.Response.WriteAsync("ok");
            };
        }
        await using var cluster = await Cluster.StartAsync(_database, 3, TimeSpan.FromSeconds(5));
        string app = await cluster.CreateAppAsync();
        foreach (var r in receivers)
        {
            await cluster.CreateEndpointAsync(app, r.Url());
        }
        bool killed = false;
        var acknowledged = await cluster.BurstAsync(app, 2000, n =>
        {
            if (n >= 1000 && !Volatile.Read(ref killed))
            {
                Volatile.Write(ref killed, true);
                cluster.Kill(1);
            }
            return Task.CompletedTask;
        });
        var expected = acknowledged.ToHashSet();
        foreach (var r in receivers)
        {
            await Eventually.WaitAsync(() => expected.IsSubsetOf(r.Received.Select(x => x.Header("webhook-id")!)), TimeSpan.FromSeconds(120), "every acknowledged message at every endpoint");
        }
        var (deliveries, distinct, duplicates) = Count(receivers);
        output.WriteLine($"node killed: acknowledged {expected.Count} of 2000, deliveries {deliveries}, distinct {distinct}, duplicates {duplicates}");
        Assert.True(expected.Count >= 1000);
        foreach (var r in receivers)
        {
            await r.DisposeAsync();
        }
    }
}
