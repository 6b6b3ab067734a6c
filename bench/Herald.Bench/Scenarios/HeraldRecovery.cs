using System.Diagnostics;
using Herald.Bench.Infrastructure;
using Herald.Bench.Sink;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>
/// An endpoint answers 503 for the outage while messages are sent to it at a steady rate, then answers 200 again.
/// Herald's circuit breaker opens during the outage and probes at growing intervals; the first successful probe
/// closes it and every held delivery becomes due. Measured at the sink: from healthy to the first successful
/// request, and from that request until every message sent during the outage has arrived.
/// </summary>
internal static class HeraldRecovery
{
    private const string FlakyPath = "/flaky/recovery";

    /// <summary>The longest wait for the first probe after the outage: the breaker's default wait grows to 5 minutes.</summary>
    /// <summary>The target: every held message within this many seconds of the first successful request.</summary>
    public const double TargetSeconds = 10;

    private static readonly TimeSpan ProbeLimit = TimeSpan.FromMinutes(6);

    /// <summary>The longest the held deliveries may take after the probe before the run is reported incomplete.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(180);

    /// <summary>
    /// How long the held deliveries may make no progress before the bench stops waiting: longer than Herald's
    /// default lease (60 s), so that deliveries left waiting for a lease to end are still seen arriving and timed.
    /// </summary>
    private static readonly TimeSpan DrainStall = TimeSpan.FromSeconds(90);

    public static async Task RunAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        var o = ctx.Options;
        var store = await ctx.NewStoreAsync(kind, "recovery", cancellationToken);
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api,dispatcher", cancellationToken);
        using var api = new HeraldApi(server.BaseUrl, 256);
        var (appId, endpoints) = await HeraldBacklog.SetUpAsync(ctx, api, [FlakyPath], "recovery", cancellationToken);

        // Warm-up with the endpoint healthy (JIT, connections), so the drain after the outage is not a cold start.
        await ctx.Sink.SetDownAsync(false, cancellationToken);
        await ctx.Sink.ResetAsync(cancellationToken);
        var warm = await HeraldLatency.OpenLoadAsync(api, appId, o.OutageRate, TimeSpan.FromSeconds(2), carryTime: false, null, o.LatencyGrace, cancellationToken);
        await ctx.Sink.WaitForAsync(p => p == FlakyPath, warm.Accepted, o.Stall, o.LatencyGrace, null, cancellationToken);

        HeraldLatency.OpenLoad load;
        long refused;
        try
        {
            await ctx.Sink.SetDownAsync(true, cancellationToken);
            await ctx.Sink.ResetAsync(cancellationToken);
            load = await Ui.TrackAsync($"{store.Name}: endpoint down for {o.Outage.TotalSeconds:0} s, {o.OutageRate:N0} msg/s sent to it",
                o.Outage.TotalSeconds,
                progress => HeraldLatency.OpenLoadAsync(api, appId, o.OutageRate, o.Outage, carryTime: true, (ctx.Sink, progress), o.LatencyGrace, cancellationToken));
            refused = (await ctx.Sink.CountAsync(cancellationToken)).Paths.GetValueOrDefault(FlakyPath + SinkServer.DownSuffix);
            // Reset while still down, so that the sink's first receipt after this is the first successful request.
            await ctx.Sink.ResetAsync(cancellationToken);
        }
        finally
        {
            await ctx.Sink.SetDownAsync(false, CancellationToken.None);
        }
        long healthyAt = Stopwatch.GetTimestamp();
        Ui.Info($"{store.Name}: endpoint healthy again; {load.Accepted:N0} messages held, {refused:N0} requests were refused during the outage");

        // Nothing moves until the breaker's next probe, which may be minutes away: wait for it without a stall limit.
        long delivered = await ctx.Sink.WaitForAsync(p => p == FlakyPath, 1, ProbeLimit, ProbeLimit, null, cancellationToken);
        if (delivered > 0)
        {
            // Distinct messages, so that a redelivered message cannot make up for one that never arrived.
            delivered = await Ui.TrackAsync($"{store.Name}: held deliveries after the first successful request", load.Accepted,
                progress => ctx.Sink.WaitForAsync(p => p == FlakyPath + SinkServer.DistinctSuffix, load.Accepted, DrainStall, DrainLimit, n => progress(n), cancellationToken));
        }
        var stats = await ctx.Sink.StatsAsync(cancellationToken);
        long duplicates = stats.Paths.GetValueOrDefault(FlakyPath) - stats.Paths.GetValueOrDefault(FlakyPath + SinkServer.DistinctSuffix);
        double probeDelay = delivered > 0 ? Math.Max(0, (stats.FirstTimestamp - healthyAt) / (double)Stopwatch.Frequency) : double.NaN;
        double drain = delivered > 0 ? (stats.LastTimestamp - stats.FirstTimestamp) / (double)Stopwatch.Frequency : double.NaN;
        // Requests taken within the target's 10 s of the first one, from the sink's 100 ms buckets (to the bucket).
        int from = (int)(stats.FirstMs / SinkServer.BucketMs);
        long within = delivered > 0 ? stats.Buckets.Skip(from).Take((int)(TargetSeconds * 1000 / SinkServer.BucketMs) + 1).Sum() : 0;

        var result = new RecoveryResult(store.Name, o.Outage.TotalSeconds, o.OutageRate, load.Issued, load.Accepted, load.Errors, refused,
            delivered, duplicates, Math.Min(within, delivered), probeDelay, drain);
        ctx.Results.Recovery.Add(result);
        if (!result.AllDelivered)
        {
            var (success, pending, fail, sending) = await api.GetStatsAsync(appId, endpoints[0].EndpointId, cancellationToken);
            ctx.Results.Notes.Add($"{store.Name} recovery: only {delivered:N0} of {load.Accepted:N0} messages sent during the outage arrived " +
                $"(first successful request waited for up to {ProbeLimit.TotalMinutes:0} min, then progress stopped for {DrainStall.TotalSeconds:0} s or {DrainLimit.TotalSeconds:0} s passed); " +
                $"Herald's stats: success {success:N0}, pending {pending:N0}, fail {fail:N0}, sending {sending:N0}.");
        }
        Ui.Info($"{store.Name} recovery: first successful request {probeDelay:0.0} s after healthy; {delivered:N0} of {load.Accepted:N0} held messages " +
            $"arrived within {drain:0.00} s of it ({within:N0} within {TargetSeconds:0} s, {duplicates:N0} redelivered); {load.Errors:N0} API errors");
    }
}
