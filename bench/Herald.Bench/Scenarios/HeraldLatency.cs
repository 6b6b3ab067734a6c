using System.Diagnostics;
using HdrHistogram;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Open-model load: messages are issued on a fixed schedule whether or not earlier ones have been answered, and each
/// payload carries its scheduled send time, so a stalled server shows up as latency instead of as a slower sender
/// (no coordinated omission). Latency is measured by the sink: scheduled send to receipt of the delivery.
/// </summary>
internal static class HeraldLatency
{
    public static async Task RunAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        var store = await ctx.NewStoreAsync(kind, "latency", cancellationToken);
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api,dispatcher", cancellationToken);
        using var api = new HeraldApi(server.BaseUrl, 1024);
        var (appId, _) = await HeraldBacklog.SetUpAsync(ctx, api, ["/ok/latency"], "latency", cancellationToken);
        foreach (int rate in ctx.Options.Rates)
        {
            // Warm-up at the same rate (JIT, connection pools, SQLite cache); its payloads carry no send time.
            await ctx.Sink.ResetAsync(cancellationToken);
            var warm = await OpenLoadAsync(api, appId, rate, ctx.Options.Warmup, carryTime: false, null, ctx.Options.LatencyGrace, cancellationToken);
            await ctx.Sink.WaitForAsync(_ => true, warm.Accepted, ctx.Options.Stall, ctx.Options.LatencyGrace, null, cancellationToken);

            await ctx.Sink.ResetAsync(cancellationToken);
            var load = await Ui.TrackAsync($"{store.Name}: {rate:N0} msg/s for {ctx.Options.LatencyDuration.TotalSeconds:0} s (open model)",
                ctx.Options.LatencyDuration.TotalSeconds,
                progress => OpenLoadAsync(api, appId, rate, ctx.Options.LatencyDuration, carryTime: true, (ctx.Sink, progress), ctx.Options.LatencyGrace, cancellationToken));
            long delivered = await ctx.Sink.WaitForAsync(_ => true, load.Accepted, ctx.Options.Stall, ctx.Options.LatencyGrace, null, cancellationToken);
            var stats = await ctx.Sink.StatsAsync(cancellationToken);
            var result = new LatencyResult(store.Name, rate, load.Seconds, load.Issued, load.AcceptedInWindow, load.Errors, load.DeliveredAtEnd,
                load.Issued - load.DeliveredAtEnd, delivered >= load.Accepted,
                stats.P50, stats.P95, stats.P99, stats.P999, stats.Max, load.ApiP99, stats.Curve);
            ctx.Results.Latency.Add(result);
            Ui.Info($"{store.Name} {rate:N0} msg/s: p50 {result.P50:0.0} ms, p95 {result.P95:0.0}, p99 {result.P99:0.0}, max {result.Max:0.0}; " +
                $"accepted {result.AcceptedRate:N0}/s, delivered {result.DeliveredRate:N0}/s in the window, backlog at end {result.BacklogAtEnd:N0}, kept up: {result.KeptUp}");
            Ui.Info(SlowWindows(stats, TimeSpan.FromMilliseconds(50)));
        }
    }

    /// <summary>Where in the run the tail happened: the 100 ms windows of receipt time whose slowest delivery passed <paramref name="limit"/>.</summary>
    internal static string SlowWindows(Sink.SinkStats stats, TimeSpan limit)
    {
        long limitUs = (long)(limit.TotalMilliseconds * 1000);
        var slow = stats.SlowestUs.Select((us, i) => (At: i * Sink.SinkServer.BucketMs / 1000.0, Ms: us / 1000.0)).Where(w => w.Ms * 1000 > limitUs).ToList();
        if (slow.Count == 0)
        {
            return $"no 100 ms window had a delivery slower than {limit.TotalMilliseconds:0} ms";
        }
        var worst = slow.OrderByDescending(w => w.Ms).Take(8).OrderBy(w => w.At).Select(w => $"{w.At:0.0} s: {w.Ms:0} ms");
        return $"{slow.Count} of {stats.SlowestUs.Length} 100 ms windows had a delivery slower than {limit.TotalMilliseconds:0} ms; the worst (time since the sink's reset): {string.Join(", ", worst)}";
    }

    /// <summary>What an open-model load did: requests issued, answered 202 (in all and within the window), failed.</summary>
    internal sealed record OpenLoad(long Issued, long Accepted, long AcceptedInWindow, long Errors, long DeliveredAtEnd, double Seconds, double ApiP99);

    /// <summary>
    /// Issues <paramref name="rate"/> messages/s for <paramref name="duration"/> on a fixed schedule; with
    /// <paramref name="carryTime"/> each payload carries its scheduled send time for the sink's latency histogram.
    /// </summary>
    internal static async Task<OpenLoad> OpenLoadAsync(HeraldApi api, string appId, int rate, TimeSpan duration, bool carryTime,
        (Sink.SinkProcess Sink, Action<double> Progress)? watch, TimeSpan grace, CancellationToken cancellationToken)
    {
        long total = (long)(rate * duration.TotalSeconds);
        double period = Stopwatch.Frequency / (double)rate;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(total * period);
        long issued = 0, accepted = 0, acceptedInWindow = 0, errors = 0, inFlight = 0;
        var apiLatency = new LongHistogram(600_000_000, 3);
        var gate = new Lock();
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long lastProgress = start;

        async Task SendAsync(long seq, long scheduled)
        {
            try
            {
                bool ok;
                try
                {
                    ok = await api.SendMessageAsync(appId, HeraldApi.MessageBody(seq, carryTime ? scheduled : 0), cancellationToken);
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }
                long now = Stopwatch.GetTimestamp();
                lock (gate)
                {
                    apiLatency.RecordValue(Math.Min(599_999_999, (now - scheduled) * 1_000_000 / Stopwatch.Frequency));
                }
                if (ok)
                {
                    Interlocked.Increment(ref accepted);
                    if (now <= end)
                    {
                        Interlocked.Increment(ref acceptedInWindow);
                    }
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
            finally
            {
                if (Interlocked.Decrement(ref inFlight) == 0 && Volatile.Read(ref issued) == total)
                {
                    allDone.TrySetResult();
                }
            }
        }

        while (issued < total)
        {
            long now = Stopwatch.GetTimestamp();
            long due = Math.Min(total, (long)((now - start) / period) + 1);
            while (issued < due)
            {
                long seq = issued;
                Interlocked.Increment(ref inFlight);
                Volatile.Write(ref issued, issued + 1);
                _ = SendAsync(seq, start + (long)(seq * period));
            }
            if (watch is { } w && now - lastProgress > Stopwatch.Frequency / 5)
            {
                lastProgress = now;
                w.Progress((now - start) / (double)Stopwatch.Frequency);
            }
            await Task.Delay(1, cancellationToken);
        }
        // The backlog at the end of the window: issued but not yet received by the sink.
        while (Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(1, cancellationToken);
        }
        long deliveredAtEnd = watch is { } ww ? (await ww.Sink.CountAsync(cancellationToken)).Total : 0;
        if (Interlocked.Read(ref inFlight) == 0)
        {
            allDone.TrySetResult();
        }
        try
        {
            // Requests still unanswered after the grace period count as not accepted (an overloaded server).
            await allDone.Task.WaitAsync(grace, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        return new OpenLoad(total, Interlocked.Read(ref accepted), Interlocked.Read(ref acceptedInWindow), errors, deliveredAtEnd, duration.TotalSeconds, apiLatency.GetValueAtPercentile(99) / 1000.0);
    }
}
