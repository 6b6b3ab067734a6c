using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;
using Herald.Signing;

namespace Herald.Bench.Scenarios;

/// <summary>
/// The ceiling: sign (Standard Webhooks, Herald's signer) and POST the same payloads to the same sink with no
/// persistence at all, many requests in flight over one pooled SocketsHttpHandler.
/// </summary>
internal static class RawCeiling
{
    public static async Task RunAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        const string path = "/ok/raw";
        long total = ctx.Options.Messages;
        string secret = WebhookSecret.Generate();
        byte[] key = WebhookSecret.Parse(secret).Key;
        await ctx.Sink.RegisterSecretsAsync(new Dictionary<string, string> { [path] = secret }, cancellationToken);
        using var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = ctx.Options.RawConcurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        });
        var url = new Uri(ctx.Sink.Url(path));
        var json = new MediaTypeHeaderValue("application/json");
        await ctx.Sink.ResetAsync(cancellationToken);
        long next = 0, failed = 0;
        long start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, ctx.Options.RawConcurrency).Select(_ => Task.Run(async () =>
        {
            long seq;
            while ((seq = Interlocked.Increment(ref next)) <= total)
            {
                string id = "msg_raw" + seq.ToString(CultureInfo.InvariantCulture);
                byte[] body = Encoding.UTF8.GetBytes(Payloads.Payload(seq, 0));
                long ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = json;
                request.Headers.TryAddWithoutValidation("webhook-id", id);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", ts.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.Sign(key, id, ts, body));
                try
                {
                    using var response = await client.SendAsync(request, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }, cancellationToken)).ToArray();
        await Ui.TrackAsync($"raw ceiling: {total:N0} signed POSTs, {ctx.Options.RawConcurrency} in flight", total, async progress =>
        {
            var all = Task.WhenAll(workers);
            while (await Task.WhenAny(all, Task.Delay(200, cancellationToken)) != all)
            {
                progress(Math.Min(total, Interlocked.Read(ref next)));
            }
            await all;
            return 0;
        });
        var stats = await ctx.Sink.StatsAsync(cancellationToken);
        double seconds = (stats.LastTimestamp - start) / (double)Stopwatch.Frequency;
        double steady = (stats.LastTimestamp - stats.FirstTimestamp) / (double)Stopwatch.Frequency;
        var result = new DrainResult("Raw .NET sender (no persistence)", "none", "ceiling", 1, total, stats.Paths.GetValueOrDefault(path), seconds, steady,
            0, stats.Buckets, [], stats.Verified, stats.BadSignatures);
        ctx.Results.Drains.Add(result);
        Ui.Info($"raw ceiling: {result.Rate:N0} deliveries/s, {failed} failed, signatures {stats.Verified} ok / {stats.BadSignatures} bad");
    }
}
