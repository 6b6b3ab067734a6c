using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Crash;

public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_server_killed_mid_burst_loses_no_acknowledged_message()
    {
        using var dir = new TempDirectory();
        await using var receiver = await TestReceiver.StartAsync();
        int port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = HeraldHost.Token,
            ["Herald__Storage__ConnectionString"] = "Data Source=" + dir.File("crash.db"),
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
        };
        var server = await ServerProcess.StartAsync(port, environment);
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldHost.Token);
        var app = JsonNode.Parse(await (await client.PostAsync("/api/v1/app", HeraldHost.Json(new { name = "Crash" }))).Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        (await client.PostAsync($"/api/v1/app/{app}/endpoint", HeraldHost.Json(new { url = receiver.Url() }))).EnsureSuccessStatusCode();

        var acknowledged = new ConcurrentBag<string>();
        int sent = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                int n = Interlocked.Increment(ref sent);
                try
                {
                    using var response = await client.PostAsync($"/api/v1/app/{app}/msg", HeraldHost.Json(new { eventType = "payment.succeeded", payload = new { n } }), stop.Token);
                    if ((int)response.StatusCode == 202)
                    {
                        acknowledged.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException)
                {
                    // The server is gone: expected once it has been killed.
                }
            }
        })).ToArray();

        await Eventually.WaitAsync(() => acknowledged.Count >= 600, TimeSpan.FromSeconds(60), "600 acknowledged messages");
        server.Kill();
        int ackedAtKill = acknowledged.Count;
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        int deliveredBeforeRestart = receiver.Received.Select(r => r.Header("webhook-id")).Distinct().Count();

        await using var restarted = await ServerProcess.StartAsync(port, environment);
        var expected = acknowledged.ToHashSet();
        await Eventually.WaitAsync(
            () => expected.IsSubsetOf(receiver.Received.Select(r => r.Header("webhook-id")!)),
            TimeSpan.FromSeconds(90), $"all {expected.Count} acknowledged messages to be delivered");

        var ids = receiver.Received.Select(r => r.Header("webhook-id")!).ToList();
        int duplicates = ids.Count - ids.Distinct().Count();
        output.WriteLine($"requests sent {sent}, acknowledged {expected.Count} ({ackedAtKill} when killed), delivered before restart {deliveredBeforeRestart}, " +
            $"deliveries {ids.Count}, distinct {ids.Distinct().Count()}, duplicates {duplicates}");
        Assert.Subset(ids.ToHashSet(), expected);
        await server.DisposeAsync();
    }
}
