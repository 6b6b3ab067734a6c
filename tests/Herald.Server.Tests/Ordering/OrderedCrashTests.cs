using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Ordering;

/// <summary>A real Herald process on SQLite, killed with SIGKILL while it sends the middle of an ordered sequence.</summary>
public sealed class OrderedCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_server_killed_mid_sequence_neither_reorders_nor_skips_after_its_restart()
    {
        const int count = 30;
        using var dir = new TempDirectory();
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
            ["Herald__Storage__ConnectionString"] = "Data Source=" + dir.File("ordered.db"),
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
            ["Herald__Delivery__PollInterval"] = "00:00:00.200",
        };
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
