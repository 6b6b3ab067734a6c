using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Scale;

/// <summary>
/// PostgreSQL restarted under load, on a private instance of its own (HERALD_PG_DIR) so that other tests'
/// databases are untouched: nodes reconnect by themselves, the API answers 503 while the database is away,
/// and nothing acknowledged is lost.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = PostgresServer.NewInstanceDirectory("restart");
    private Dictionary<string, string> Env => PostgresServer.InstanceEnvironment(_dir);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresServer.StopInstanceAsync(_dir);

    [Fact]
    public async Task Nodes_survive_a_database_restart_and_lose_nothing_acknowledged()
    {
        string connectionString = PostgresServer.ParseExport(await PostgresServer.RunScriptAsync("start", Env));
        await using var receiver = await TestReceiver.StartAsync();
        await using var cluster = await Cluster.StartAsync(connectionString, 2, TimeSpan.FromSeconds(10));
        string app = await cluster.CreateAppAsync();
        await cluster.CreateEndpointAsync(app, receiver.Url());

        var statuses = new ConcurrentBag<int>();
        var slowest = new ConcurrentBag<double>();
        Task? restart = null;
        var acknowledged = await cluster.BurstAsync(app, 1500, n =>
        {
            if (n == 500)
            {
                restart = PostgresServer.RunScriptAsync("restart", Env);
            }
            return restart is { IsCompleted: false } ? Task.Delay(5) : Task.CompletedTask;
        }, statuses);
        await restart!;

        // After the restart the API answers normally again on every node.
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < cluster.Size; i++)
        {
            await Eventually.WaitAsync(async () => (await cluster.Node(i).GetAsync("/api/v1/health")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(60), "health after restart");
        }
        var expected = acknowledged.ToHashSet();
        await Eventually.WaitAsync(() => expected.IsSubsetOf(receiver.Received.Select(x => x.Header("webhook-id")!)), TimeSpan.FromSeconds(120), "every acknowledged message delivered");
        var byStatus = statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        int ids = receiver.Received.Count;
        int distinct = receiver.Received.Select(x => x.Header("webhook-id")).Distinct().Count();
        output.WriteLine($"db restart: statuses {string.Join(", ", byStatus.Select(kv => $"{kv.Key}:{kv.Value}"))}; acknowledged {expected.Count}, deliveries {ids}, duplicates {ids - distinct}, recovered in {stopwatch.ElapsedMilliseconds} ms");
        // 500 is outcome_unknown: a COMMIT cut off by the restart may or may not have been stored.
        Assert.All(byStatus.Keys, s => Assert.Contains(s, new[] { 202, 500, 503 }));
        // How many requests meet the restart (503) depends on how long it takes on a loaded machine; most are accepted.
        Assert.True(expected.Count >= 750, $"only {expected.Count} acknowledged");
        _ = slowest;
    }
}
