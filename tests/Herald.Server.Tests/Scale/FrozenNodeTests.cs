using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Scale;

/// <summary>
/// A real node frozen with SIGSTOP in the middle of a request, past its lease: another node takes the delivery over
/// and delivers it; the frozen node, woken with SIGCONT, records its late failure without undoing that outcome.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FrozenNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(4);
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("frozen");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task A_node_frozen_past_its_lease_wakes_and_its_stale_failure_does_not_overwrite_the_other_nodes_success()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var answerTheFrozenNode = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int requests = 0;
        receiver.Respond = async (ctx, _) =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                // The first node's request: held until that node is frozen and its work taken over, then failed.
                await answerTheFrozenNode.Task;
                ctx.Response.StatusCode = 500;
            }
            await ctx.Response.WriteAsync("answer");
        };
        // One node first, so that it alone can hold the delivery when it is frozen.
        await using var cluster = await Cluster.StartAsync(_database, 1, Lease);
        string app = await cluster.CreateAppAsync();
        await cluster.CreateEndpointAsync(app, receiver.Url());
        using var sent = await cluster.Node(0).PostAsync($"/api/v1/app/{app}/msg", HeraldHost.Json(new { eventType = "order.paid", payload = new { order = 1 } }));
        string msg = (await HeraldHost.ReadAsync(sent, 202))["id"]!.GetValue<string>();
        await receiver.WaitForAsync(1, TimeSpan.FromSeconds(30));

        cluster.Freeze(0);
        try
        {
            int other = await cluster.AddNodeAsync();
            var client = cluster.Node(other);
            // The other node claims the delivery once the frozen node's lease has run out, and delivers it.
            await receiver.WaitForAsync(2, TimeSpan.FromSeconds(60));
            await Eventually.WaitAsync(() => DestinationAsync(client, app, msg), d => d["statusText"]!.GetValue<string>() == "success",
                TimeSpan.FromSeconds(30), "the other node's success stored");

            answerTheFrozenNode.SetResult();
            cluster.Thaw(0);
            // The woken node records its attempt (its request was made) ...
            var attempts = await Eventually.WaitAsync(() => AttemptsAsync(client, app, msg), a => a.Count == 2, TimeSpan.FromSeconds(30), "the stale attempt stored");
            output.WriteLine("attempts: " + string.Join(", ", attempts.Select(a => a!["responseStatusCode"]!.ToJsonString())));
            Assert.Contains(attempts, a => a!["responseStatusCode"]!.GetValue<int>() == 200);

            // ... but not its outcome: the delivery stays delivered. The stale attempt and the delivery's state are written
            // in one transaction, so with the attempt visible the state is final; with no retry scheduled none can follow.
            var destination = await DestinationAsync(client, app, msg);
            Assert.Equal("success", destination["statusText"]!.GetValue<string>());
            Assert.Null(destination["nextAttempt"]);
            Assert.Equal(2, receiver.Count);
        }
        finally
        {
            answerTheFrozenNode.TrySetResult();
            cluster.Thaw(0);
        }
    }

    private static async Task<JsonNode> DestinationAsync(HttpClient client, string app, string msg)
    {
        using var response = await client.GetAsync($"/api/v1/app/{app}/msg/{msg}/endpoint");
        return (await HeraldHost.ReadAsync(response, 200))["data"]!.AsArray().Single()!;
    }

    private static async Task<JsonArray> AttemptsAsync(HttpClient client, string app, string msg)
    {
        using var response = await client.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}");
        return (await HeraldHost.ReadAsync(response, 200))["data"]!.AsArray();
    }
}
