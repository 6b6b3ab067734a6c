using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Scale;

/// <summary>One Idempotency-Key sent to two Herald processes on one PostgreSQL database at the same moment.</summary>
[Collection(PostgresCollection.Name)]
public sealed class IdempotencyAcrossNodesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 5;
    private const int Requests = 20;
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("idemnodes");

    public Task DisposeAsync() => PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task Twenty_parallel_requests_with_one_key_split_over_two_nodes_store_one_message_every_round()
    {
        await using var cluster = await Cluster.StartAsync(_database, 2, TimeSpan.FromSeconds(30));
        string app = await cluster.CreateAppAsync();
        var stored = new List<string>();

        for (int round = 0; round < Rounds; round++)
        {
            string key = $"order-{round}-{Guid.NewGuid():N}";
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requests = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
            {
                await go.Task;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/app/{app}/msg")
                {
                    Content = HeraldHost.Json(new { eventType = "order.paid", payload = new { order = round } }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await cluster.Node(i % 2).SendAsync(request);
                string body = await response.Content.ReadAsStringAsync();
                return ((int)response.StatusCode, body, response.Headers.Contains("Idempotent-Replayed"));
            })).ToList();
            go.SetResult();
            var answers = await Task.WhenAll(requests);

            // Every request is answered with the one message, the first as created and the rest as replays; a
            // 409 "in progress" would also be honest, a second message never is.
            Assert.All(answers, a => Assert.True(a.Item1 is 202 or 409, $"{a.Item1}: {a.body}"));
            var ids = answers.Where(a => a.Item1 == 202).Select(a => JsonNode.Parse(a.body)!["id"]!.GetValue<string>()).Distinct().ToList();
            output.WriteLine($"round {round}: {answers.Count(a => a.Item1 == 202)} × 202 ({answers.Count(a => a.Item3)} replayed), {answers.Count(a => a.Item1 == 409)} × 409, ids {string.Join(", ", ids)}");
            stored.Add(Assert.Single(ids));
            Assert.Equal(1, answers.Count(a => a.Item1 == 202 && !a.Item3));
        }

        // And the database holds exactly those messages, one per round.
        using var list = await cluster.Node(1).GetAsync($"/api/v1/app/{app}/msg?limit=100");
        var listed = JsonNode.Parse(await list.Content.ReadAsStringAsync())!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(stored.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }
}
