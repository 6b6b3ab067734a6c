using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;
using Herald.Signing;

namespace Herald.Bench.Scenarios;

/// <summary>
/// The usual .NET way: one Hangfire background job per webhook, retried by <see cref="AutomaticRetryAttribute"/>,
/// that signs and POSTs. Jobs are enqueued first, then a <see cref="BackgroundJobServer"/> with default workers drains them.
/// </summary>
internal static class HangfireBaseline
{
    public static async Task RunAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        string name = kind == "sqlite" ? "SQLite" : "PostgreSQL";
        string path = "/ok/hangfire-" + kind;
        JobStorage storage = kind == "sqlite"
            ? new SQLiteStorage(Path.Combine(ctx.WorkDir, "hangfire.db"), new SQLiteStorageOptions())
            : new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(
                await ctx.Postgres!.CreateDatabaseAsync("hangfire", cancellationToken), new PostgreSqlStorageOptions()), new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true });
        string secret = WebhookSecret.Generate();
        await ctx.Sink.RegisterSecretsAsync(new Dictionary<string, string> { [path] = secret }, cancellationToken);
        string url = ctx.Sink.Url(path);

        // Enqueue as an application would (one job per webhook), bounded by count and time.
        var client = new BackgroundJobClient(storage);
        long enqueued = 0;
        var enqueueClock = Stopwatch.StartNew();
        int target = ctx.Options.HangfireJobs;
        await Ui.TrackAsync($"Hangfire ({name}): enqueue up to {target:N0} jobs", target, async progress =>
        {
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                long seq;
                while (enqueueClock.Elapsed < ctx.Options.HangfireEnqueueLimit && (seq = Interlocked.Increment(ref enqueued)) <= target)
                {
                    string id = "msg_hf" + seq.ToString(CultureInfo.InvariantCulture);
                    string payload = Payloads.Payload(seq, 0);
                    client.Enqueue(() => HangfireWebhookJob.SendAsync(url, id, payload, secret));
                }
            }, cancellationToken)).ToArray();
            var all = Task.WhenAll(workers);
            while (await Task.WhenAny(all, Task.Delay(200, cancellationToken)) != all)
            {
                progress(Interlocked.Read(ref enqueued));
            }
            await all;
            return 0;
        });
        long jobs = Math.Min(Interlocked.Read(ref enqueued), target); // workers overshoot the counter by one each at the end
        double enqueueRate = jobs / enqueueClock.Elapsed.TotalSeconds;

        await ctx.Sink.ResetAsync(cancellationToken);
        long start = Stopwatch.GetTimestamp();
        var server = new BackgroundJobServer(new BackgroundJobServerOptions { ServerName = "herald-bench" }, storage);
        long delivered = await Ui.TrackAsync($"Hangfire ({name}): drain (at most {ctx.Options.HangfireDrainLimit.TotalSeconds:0} s)", jobs,
            progress => ctx.Sink.WaitForAsync(p => p == path, jobs, ctx.Options.Stall, ctx.Options.HangfireDrainLimit, n => progress(n), cancellationToken));
        long stop = Stopwatch.GetTimestamp();
        server.SendStop();
        var disposing = Task.Run(server.Dispose, CancellationToken.None);
        await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
        var stats = await ctx.Sink.StatsAsync(cancellationToken);
        bool complete = delivered >= jobs;
        double seconds = ((complete ? stats.LastTimestamp : stop) - start) / (double)Stopwatch.Frequency;
        double steady = ((complete ? stats.LastTimestamp : stop) - stats.FirstTimestamp) / (double)Stopwatch.Frequency;
        var result = new DrainResult($"Hangfire ({name})", name, "job per webhook", 1, complete ? jobs : delivered, delivered, seconds, steady,
            0, stats.Buckets, [], stats.Verified, stats.BadSignatures);
        ctx.Results.Drains.Add(result);
        ctx.Results.Notes.Add($"Hangfire ({name}): enqueued {jobs:N0} jobs at {enqueueRate:N0} jobs/s; {delivered:N0} delivered in {seconds:0.0} s " +
            $"({(complete ? "all" : "time limit reached")}); {Environment.ProcessorCount * 5} default workers at most 20.");
        Ui.Info($"Hangfire ({name}): {result.Rate:N0} deliveries/s ({delivered:N0} in {seconds:0.0} s), enqueue {enqueueRate:N0} jobs/s");
    }
}

/// <summary>The Hangfire job: sign the payload and POST it; a non-2xx answer throws so that Hangfire retries.</summary>
public static class HangfireWebhookJob
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseProxy = false,
    })
    { Timeout = TimeSpan.FromSeconds(15) };

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    [AutomaticRetry(Attempts = 10)]
    public static async Task SendAsync(string url, string msgId, string payload, string secret)
    {
        byte[] body = Encoding.UTF8.GetBytes(payload);
        long ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("webhook-id", msgId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.Sign(WebhookSecret.Parse(secret).Key, msgId, ts, body));
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
