using Herald.Server.Tests.Infrastructure;
using Herald.Server.Tests.Scale;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Ordering;

/// <summary>Two Herald nodes on one PostgreSQL database, both claiming the same ordered endpoint's work.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderedClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("ordered");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task Two_nodes_never_send_two_messages_of_one_key_at_once_and_each_key_arrives_in_order()
    {
        const int keys = 8, perKey = 25;
        await using var receiver = await TestReceiver.StartAsync();
        var ordered = new OrderedReceiver();
        ordered.Attach(receiver);
        await using var cluster = await Cluster.StartAsync(_database, 2, TimeSpan.FromSeconds(30));
        string app = await cluster.CreateAppAsync();
        using (var created = await cluster.Node(0).PostAsync($"/api/v1/app/{app}/endpoint", HeraldHost.Json(new { url = receiver.Url(), ordering = "key" })))
        {
            await HeraldHost.ReadAsync(created, 201);
        }

        // Each key's messages are accepted one after another, alternately by either node; the keys concurrently.
        await Task.WhenAll(Enumerable.Range(0, keys).Select(k => Task.Run(async () =>
        {
            for (int n = 1; n <= perKey; n++)
            {
                using var response = await cluster.Node((n + k) % 2).PostAsync($"/api/v1/app/{app}/msg",
                    HeraldHost.Json(new { eventType = "order.updated", orderingKey = $"order-{k}", payload = new { key = $"order-{k}", n } }));
                await HeraldHost.ReadAsync(response, 202);
            }
        })));

        for (int k = 0; k < keys; k++)
        {
            string key = $"order-{k}";
            await Eventually.WaitAsync(() => ordered.Arrivals(key).LastOrDefault() == perKey, TimeSpan.FromSeconds(120), $"message {perKey} of {key}");
        }
        // Both nodes claimed the endpoint's work (each claim records its node in lease_owner).
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_database);
        await using var count = dataSource.CreateCommand("SELECT COUNT(DISTINCT lease_owner) FROM deliveries WHERE ordering_key IS NOT NULL");
        long claimingNodes = (long)(await count.ExecuteScalarAsync())!;
        output.WriteLine($"requests {receiver.Count}, overlaps {ordered.Overlaps}, nodes that claimed {claimingNodes}");
        Assert.Equal(2, claimingNodes);
        Assert.Equal(0, ordered.Overlaps);
        for (int k = 0; k < keys; k++)
        {
            var arrivals = ordered.Arrivals($"order-{k}");
            Assert.True(OrderedReceiver.InOrder(arrivals, perKey), $"order-{k}: " + string.Join(",", arrivals));
        }
    }
}
