using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Crash;

/// <summary>
/// Producers sending at a steady rate, each message with its own Idempotency-Key, that send every unanswered request
/// again with the same key until it is answered before they take the next message, against a SQLite server killed twice with SIGKILL mid-load: every
/// message is stored once, retries get the stored message back, and every acknowledged message is delivered.
/// </summary>
public sealed class RetryingProducerCrashTests(ITestOutputHelper output)
{
    private const int Rate = 100; // messages started per second
    private const int Kills = 2;
    private const int AnsweredBetweenKills = 300;
    private const int Producers = 32;

    [Fact]
    public async Task Producers_retrying_with_the_same_key_through_two_kills_store_every_message_once_and_lose_none()
    {
        using var dir = new TempDirectory();
        string database = dir.File("crash.db");
        await using var receiver = await TestReceiver.StartAsync();
        int port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = HeraldHost.Token,
            ["Herald__Storage__ConnectionString"] = "Data Source=" + database,
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
        };
        ServerProcess? server = await ServerProcess.StartAsync(port, environment);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldHost.Token);
            using var createdApp = await client.PostAsync("/api/v1/app", HeraldHost.Json(new { name = "Retrying shop" }));
            string app = (await HeraldHost.ReadAsync(createdApp, 201))["id"]!.GetValue<string>();
            using var createdEndpoint = await client.PostAsync($"/api/v1/app/{app}/endpoint", HeraldHost.Json(new { url = receiver.Url() }));
            await HeraldHost.ReadAsync(createdEndpoint, 201);

            var answers = new ConcurrentDictionary<string, ConcurrentBag<string>>(StringComparer.Ordinal);
            int requests = 0;
            int replays = 0;
            int dropped = 0;

            // One message: the same key and body until Herald answers 202. Refused or reset connections, timeouts,
            // 5xx and 409 (the key still in progress) are unanswered; any other answer fails the test.
            async Task ProduceAsync(int n)
            {
                string key = $"payment-{n}";
                string body = $$$"""{"eventType":"payment.succeeded","payload":{"key":"{{{key}}}","amount":2700}}""";
                var backoff = TimeSpan.FromMilliseconds(50);
                // Every tenth producer acts as if its first answer had been lost on the way back and sends again.
                bool dropFirstAnswer = n % 10 == 0;
                while (true)
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/app/{app}/msg") { Content = HeraldHost.Json(body) };
                        request.Headers.Add("Idempotency-Key", key);
                        Interlocked.Increment(ref requests);
                        using var response = await client.SendAsync(request);
                        int status = (int)response.StatusCode;
                        string text = await response.Content.ReadAsStringAsync();
                        if (status == 202)
                        {
                            answers.GetOrAdd(key, _ => []).Add(JsonNode.Parse(text)!["id"]!.GetValue<string>());
                            if (response.Headers.Contains("Idempotent-Replayed"))
                            {
                                Interlocked.Increment(ref replays);
                            }
                            if (dropFirstAnswer)
                            {
                                dropFirstAnswer = false;
                                Interlocked.Increment(ref dropped);
                                continue;
                            }
                            return;
                        }
                        Assert.True(status is 409 or 429 or >= 500 && !text.Contains("idempotency_conflict", StringComparison.Ordinal), $"{key}: {status} {text}");
                    }
                    catch (HttpRequestException)
                    {
                    }
                    catch (TaskCanceledException)
                    {
                    }
                    await Task.Delay(backoff);
                    backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 1000));
                }
            }

            // Message n falls due at n / Rate s; a fixed set of producers takes the due messages in turn, each sending
            // its message until it is answered, so a restarting server meets a bounded number of retrying producers.
            using var stop = new CancellationTokenSource();
            int started = 0;
            var clock = Stopwatch.StartNew();
            var producers = Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    int n = Interlocked.Increment(ref started) - 1;
                    var wait = TimeSpan.FromSeconds((double)n / Rate) - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                    await ProduceAsync(n);
                }
            })).ToList();

            for (int kill = 1; kill <= Kills; kill++)
            {
                int target = kill * AnsweredBetweenKills;
                await Eventually.WaitAsync(() => answers.Count >= target, TimeSpan.FromSeconds(90), $"{target} answered messages");
                server.Kill();
                await server.DisposeAsync();
                server = null;
                output.WriteLine($"kill {kill}: {answers.Count} answered, {Volatile.Read(ref requests)} requests so far");
                server = await ServerProcess.StartAsync(port, environment);
            }
            await Eventually.WaitAsync(() => answers.Count >= (Kills + 1) * AnsweredBetweenKills, TimeSpan.FromSeconds(90), "messages answered after the last restart");
            await stop.CancelAsync();
            await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(120));

            // Every message was answered with one message id, however many times it was sent.
            Assert.Equal(started, answers.Count);
            Assert.All(answers, a => Assert.True(a.Value.Distinct().Count() == 1, $"{a.Key} answered as {string.Join(", ", a.Value.Distinct())}"));

            // The database holds one message per key.
            var (stored, distinctKeys) = await CountStoredAsync(database);
            output.WriteLine($"{started} messages, {requests} requests, {dropped} answers dropped, {replays} replayed answers, {stored} stored ({distinctKeys} distinct keys)");
            // A request sent again after its answer was lost gets that answer back, never a second message.
            Assert.True(replays >= dropped, $"{dropped} answers dropped and sent again, only {replays} replayed");
            Assert.Equal(started, distinctKeys);
            Assert.Equal(started, stored);

            // And every one reached the receiver, under the id its producer was given.
            var expected = answers.Values.Select(ids => ids.First()).ToHashSet();
            await Eventually.WaitAsync(() => expected.IsSubsetOf(receiver.Received.Select(r => r.Header("webhook-id")!)), TimeSpan.FromSeconds(120),
                $"all {expected.Count} acknowledged messages delivered");
            output.WriteLine($"{receiver.Count} deliveries of {receiver.Received.Select(r => r.Header("webhook-id")).Distinct().Count()} messages");
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<(long Messages, long DistinctKeys)> CountStoredAsync(string database)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT json_extract(payload, '$.key')) FROM messages";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
