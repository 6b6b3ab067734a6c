using System.Diagnostics;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>
/// One tenant (an application) with 64 endpoints that never answer, and a backlog of deliveries to them posted
/// first; then another tenant sends at a steady rate to a healthy endpoint, and the sink measures that tenant's
/// latency (scheduled send to receipt). The server runs with Herald's default delivery settings, so the figure is
/// what a deployment gets without tuning the per-application share.
/// </summary>
internal static class HeraldNoisyNeighbour
{
    private const int NoisyEndpoints = 64;
    private const string QuietPath = "/ok/quiet";

    public static async Task RunAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        var o = ctx.Options;
        var store = await ctx.NewStoreAsync(kind, "noisy", cancellationToken);
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api,dispatcher", cancellationToken);
        using var api = new HeraldApi(server.BaseUrl, 1024);

        // Two customers: each tenant's receiver is its own host:port.
        var hanging = Enumerable.Range(0, NoisyEndpoints).Select(i => $"/hang/noisy-{i}").ToList();
        var (noisyApp, _) = await HeraldBacklog.SetUpAsync(ctx, api, hanging, "noisy tenant", cancellationToken, receiver: 1);
        var (quietApp, _) = await HeraldBacklog.SetUpAsync(ctx, api, [QuietPath], "quiet tenant", cancellationToken, receiver: 2);

        // Warm-up of the quiet tenant alone (JIT, connections); its payloads carry no send time.
        await ctx.Sink.ResetAsync(cancellationToken);
        var warm = await HeraldLatency.OpenLoadAsync(api, quietApp, o.NoisyRate, TimeSpan.FromSeconds(2), carryTime: false, null, o.LatencyGrace, cancellationToken);
        await ctx.Sink.WaitForAsync(p => p == QuietPath, warm.Accepted, o.Stall, o.LatencyGrace, null, cancellationToken);
        await ctx.Sink.ResetAsync(cancellationToken);

        var noisy = await HeraldBacklog.IngestAsync(api, noisyApp, store.Name, o.NoisyMessages, 16, _ => { }, cancellationToken);
        long noisyDeliveries = noisy.Accepted * NoisyEndpoints;
        long hangingAtStart = await WaitForHangingToSettleAsync(ctx, cancellationToken);
        Ui.Info($"{store.Name}: noisy tenant has {noisyDeliveries:N0} deliveries due to {NoisyEndpoints} hanging endpoints; {hangingAtStart:N0} requests hang at the sink");

        var load = await Ui.TrackAsync($"{store.Name}: other tenant at {o.NoisyRate:N0} msg/s for {o.NoisyDuration.TotalSeconds:0} s",
            o.NoisyDuration.TotalSeconds,
            progress => HeraldLatency.OpenLoadAsync(api, quietApp, o.NoisyRate, o.NoisyDuration, carryTime: true, (ctx.Sink, progress), o.LatencyGrace, cancellationToken));
        long delivered = await ctx.Sink.WaitForAsync(p => p == QuietPath, load.Accepted, o.Stall, o.LatencyGrace, null, cancellationToken);
        // Only the quiet tenant's payloads reach the latency histogram: requests to /hang/ never get that far.
        var stats = await ctx.Sink.StatsAsync(cancellationToken);
        long hangRequests = stats.Paths.Where(p => p.Key.StartsWith("/hang/", StringComparison.Ordinal)).Sum(p => p.Value);

        var result = new NoisyResult(store.Name, NoisyEndpoints, noisyDeliveries, hangRequests, o.NoisyRate, load.Seconds,
            load.Issued, load.Accepted, load.Errors, delivered, stats.P50, stats.P99, stats.Max);
        ctx.Results.Noisy.Add(result);
        if (!result.AllDelivered)
        {
            ctx.Results.Notes.Add($"{store.Name} noisy neighbour: only {delivered:N0} of the other tenant's {load.Accepted:N0} accepted messages arrived before progress stopped for {o.Stall.TotalSeconds:0} s or the grace period ended.");
        }
        Ui.Info($"{store.Name} noisy neighbour: other tenant's latency p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms, max {result.Max:0.0} ms; " +
            $"{delivered:N0} of {load.Accepted:N0} accepted delivered, {load.Errors:N0} errors; {hangRequests:N0} requests to the hanging endpoints");
    }

    /// <summary>
    /// Waits until the dispatcher has taken what it will of the noisy backlog: the hanging requests at the sink stop
    /// growing for a second (or 15 s pass, Herald's default request timeout, after which they start to end).
    /// </summary>
    private static async Task<long> WaitForHangingToSettleAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        var limit = Stopwatch.StartNew();
        var still = Stopwatch.StartNew();
        long last = -1;
        while (limit.Elapsed < TimeSpan.FromSeconds(15))
        {
            long hanging = (await ctx.Sink.CountAsync(cancellationToken)).Paths
                .Where(p => p.Key.StartsWith("/hang/", StringComparison.Ordinal)).Sum(p => p.Value);
            if (hanging != last)
            {
                last = hanging;
                still.Restart();
            }
            else if (hanging > 0 && still.Elapsed >= TimeSpan.FromSeconds(1))
            {
                break;
            }
            await Task.Delay(100, cancellationToken);
        }
        return Math.Max(0, last);
    }
}
