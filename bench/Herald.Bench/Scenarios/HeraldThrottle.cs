using System.Text;
using Herald.Bench.Infrastructure;
using Herald.Bench.Sink;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Several Herald nodes (API and dispatcher each) on one PostgreSQL, one endpoint with a <c>throttleRate</c>:
/// messages are posted through every node, so every node sends, and the sink counts what arrives per 100 ms. The
/// figure is the busiest second (any 10 consecutive buckets) against the rate: a throttle kept per node would
/// let the endpoint receive the rate times the number of nodes.
/// </summary>
internal static class HeraldThrottle
{
    private const string Path = "/ok/throttle";

    /// <summary>The endpoint's <c>throttleRate</c> (sends a second), as in the target.</summary>
    public const int Rate = 100;

    /// <summary>The target: no second holds more than this share of the rate.</summary>
    public const double TargetShare = 1.05;

    public static async Task RunAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        var o = ctx.Options;
        int nodes = o.ThrottleNodes;
        int messages = o.ThrottleMessages;
        var store = await ctx.NewStoreAsync("postgres", "throttle", cancellationToken);
        await using var servers = new ServerGroup();
        for (int i = 0; i < nodes; i++)
        {
            servers.Add(await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api,dispatcher", cancellationToken));
        }
        var apis = servers.Servers.Select(s => new HeraldApi(s.BaseUrl, 64)).ToList();
        try
        {
            string appId = await apis[0].CreateAppAsync("bench-throttle", cancellationToken);
            string endpointId = await apis[0].CreateEndpointAsync(appId, ctx.Sink.Url(Path), cancellationToken, throttleRate: Rate);
            await ctx.Sink.RegisterSecretsAsync(new Dictionary<string, string> { [Path] = await apis[0].GetSecretAsync(appId, endpointId, cancellationToken) }, cancellationToken);
            await ctx.Sink.ResetAsync(cancellationToken);

            // Every node accepts a share of the messages at once, and sends what it accepted (or claims from the others).
            var ingest = await HeraldBacklog.IngestAsync(apis, appId, store.Name, messages, o.IngestConcurrency, _ => { }, cancellationToken);
            long delivered = await Ui.TrackAsync($"{store.Name}: {ingest.Accepted:N0} messages to one endpoint at {Rate}/s through {nodes} nodes", ingest.Accepted,
                progress => ctx.Sink.WaitForAsync(p => p == Path, ingest.Accepted, o.Stall, TimeSpan.FromSeconds(ingest.Accepted / (double)Rate * 2 + 60), n => progress(n), cancellationToken));
            var stats = await ctx.Sink.StatsAsync(cancellationToken);

            const int perSecond = 1000 / SinkServer.BucketMs;
            long busiest = 0;
            for (int i = 0; i + perSecond <= stats.Buckets.Length; i++)
            {
                busiest = Math.Max(busiest, stats.Buckets.AsSpan(i, perSecond).ToArray().Sum());
            }
            double seconds = (stats.LastMs - stats.FirstMs) / 1000;
            var result = new ThrottleResult(store.Name, nodes, Rate, ingest.Accepted, delivered, seconds, seconds > 0 ? (delivered - 1) / seconds : double.NaN, busiest,
                MiddleRate(stats.Buckets, delivered));
            ctx.Results.Throttle.Add(result);
            Ui.Info($"{store.Name} throttle: {delivered:N0} of {ingest.Accepted:N0} in {seconds:0.0} s through {nodes} nodes = {result.AverageRate:0.0}/s ({result.MiddleRate:0.0}/s from 5 % to 95 % of them); busiest second {busiest:N0} (rate {Rate})");
        }
        finally
        {
            foreach (var api in apis)
            {
                api.Dispose();
            }
        }
    }

    /// <summary>
    /// The rate between the arrivals of the 5th and the 95th percent of the deliveries (100 ms buckets): the pace the
    /// endpoint was sent at, without the start and a tail of late deliveries (retries, handed-back work).
    /// </summary>
    private static double MiddleRate(long[] buckets, long delivered)
    {
        long low = (long)Math.Ceiling(delivered * 0.05), high = (long)Math.Ceiling(delivered * 0.95), sum = 0;
        int first = -1, last = -1;
        for (int i = 0; i < buckets.Length && last < 0; i++)
        {
            sum += buckets[i];
            if (first < 0 && sum >= low)
            {
                first = i;
            }
            if (sum >= high)
            {
                last = i;
            }
        }
        return first >= 0 && last > first ? (high - low) / ((last - first) * SinkServer.BucketMs / 1000.0) : double.NaN;
    }

    /// <summary>The report's section.</summary>
    public static void Write(StringBuilder md, IReadOnlyList<ThrottleResult> results)
    {
        md.AppendLine($"## Cluster throttle (one endpoint with throttleRate {Rate}, messages posted through every node)");
        md.AppendLine();
        md.AppendLine("| store | nodes | rate | accepted | delivered | seconds | average /s | 5th to 95th percent /s | busiest second (any 1 s, in 100 ms steps) |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var t in results)
        {
            md.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                $"| {t.Store} | {t.Nodes} | {t.Rate} | {t.Accepted:N0} | {t.Delivered:N0} | {t.Seconds:0.0} | {t.AverageRate:0.0} | {t.MiddleRate:0.0} | {t.Busiest:N0} |");
        }
        md.AppendLine();
    }
}
