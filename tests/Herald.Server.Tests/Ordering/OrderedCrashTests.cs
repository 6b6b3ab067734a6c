using System.Net.Http.Headers;
using Herald.Server.Tests.Infrastructure;
using Herald.Server.Tests.Scale;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Ordering;

/// <summary>A real Herald process on SQLite, killed with SIGKILL while it sends the middle of an ordered sequence.</summary>
public sealed class OrderedCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_server_killed_mid_sequence_neither_reorders_nor_skips_after_its_restart()
    {
        using var dir = new TempDirectory();
        await OrderedCrash.RunAsync(output, new Dictionary<string, string>
        {
            ["Herald__Storage__ConnectionString"] = "Data Source=" + dir.File("ordered.db"),
        });
    }
}

/// <summary>The same on PostgreSQL: the restarted node takes its held delivery back (or, under another name, after the lease).</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderedPostgresCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("orderedcrash");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public Task A_postgres_node_killed_mid_sequence_neither_reorders_nor_skips_after_its_restart() =>
        OrderedCrash.RunAsync(output, new Dictionary<string, string>
        {
            ["Herald__Storage__Provider"] = "postgres",
            ["Herald__Storage__ConnectionString"] = _database,
            ["Herald__Delivery__Lease"] = "00:00:10",
            ["Herald__Delivery__RequestTimeout"] = "00:00:05",
        });
}

internal static class OrderedCrash
{
    public static async Task RunAsync(ITestOutputHelper output, Dictionary<string, string> settings)
    {
        const int count = 30;
        await using var receiver = await TestReceiver.StartAsync();
        var ordered = new OrderedReceiver();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int held = 0;
        ordered.Before = (_, n) =>
        {
            if (n == 12 && Interlocked.Exchange(ref held, 1) == 0)
            {
                inFlight.TrySetResult();
                return release.Task; // the twelfth message is in flight when the server dies
            }
            return Task.CompletedTask;
        };
        ordered.Attach(receiver);
        int port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = HeraldHost.Token,
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
            ["Herald__Delivery__PollInterval"] = "00:00:00.200",
        };
        foreach (var (k, v) in settings)
        {
            environment[k] = v;
        }
        var server = await ServerProcess.StartAsync(port, environment);
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldHost.Token);
        var app = (await HeraldHost.ReadAsync(await client.PostAsync("/api/v1/app", HeraldHost.Json(new { name = "Ordered crash" })), 201))["id"]!.GetValue<string>();
        await HeraldHost.ReadAsync(await client.PostAsync($"/api/v1/app/{app}/endpoint", HeraldHost.Json(new { url = receiver.Url(), ordering = "key" })), 201);
        for (int n = 1; n <= count; n++)
        {
            await HeraldHost.ReadAsync(await client.PostAsync($"/api/v1/app/{app}/msg",
                HeraldHost.Json(new { eventType = "order.updated", orderingKey = "order-a", payload = new { key = "order-a", n } })), 202);
        }

        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(60));
        server.Kill();
        release.TrySetResult();
        await using var restarted = await ServerProcess.StartAsync(port, environment);
        await Eventually.WaitAsync(() => ordered.Arrivals("order-a").LastOrDefault() == count, TimeSpan.FromSeconds(90), $"message {count} of order-a");

        var arrivals = ordered.Arrivals("order-a");
        output.WriteLine("arrivals: " + string.Join(",", arrivals));
        Assert.True(OrderedReceiver.InOrder(arrivals, count), "reordered or skipped: " + string.Join(",", arrivals));
        Assert.Contains(12, arrivals.Skip(arrivals.ToList().IndexOf(12) + 1)); // the message in flight at the kill was sent again
        Assert.Equal(0, ordered.Overlaps);
        await server.DisposeAsync();
    }
}
