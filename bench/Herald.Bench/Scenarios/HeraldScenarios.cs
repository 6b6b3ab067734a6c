using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>Herald's scenarios on one store: ingest + drain to 1 endpoint, fan-out to 10, latency, isolation.</summary>
internal static class HeraldScenarios
{
    public static async Task IngestAndDrainAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        int n = ctx.Options.Messages;
        var store = await ctx.NewStoreAsync(kind, "drain1", cancellationToken);
        var backlog = await HeraldBacklog.BuildAsync(ctx, store, ["/ok/one"], n, "1 endpoint", cancellationToken, warmUp: true);
        ctx.Results.Ingest.Add(backlog.Ingest);
        var drain = await HeraldDrain.RunAsync(ctx, store, backlog, p => p == "/ok/one", backlog.Accepted, "1 endpoint", cancellationToken);
        ctx.Results.Drains.Add(drain);
        await ctx.DropStoreAsync(store, cancellationToken);
    }

    /// <summary>
    /// 1, 2 and 3 nodes sharing one PostgreSQL database: ingest through that many API nodes (the clients spread over
    /// them), then the backlog (to 10 endpoints, so that the nodes' lanes are not one endpoint's) drained by that many
    /// dispatcher nodes, each with Herald's and PostgreSQL's CPU per message.
    /// </summary>
    public static async Task ScaleOutAsync(BenchContext ctx, CancellationToken cancellationToken)
    {
        int n = ctx.Options.Messages;
        var paths = Enumerable.Range(0, 10).Select(i => $"/ok/scale-{i}").ToList();
        static bool Counted(string p) => p.StartsWith("/ok/scale-", StringComparison.Ordinal);
        foreach (int nodes in ctx.Options.Nodes)
        {
            var store = await ctx.NewStoreAsync("postgres", $"nodes{nodes}", cancellationToken);
            var backlog = await HeraldBacklog.BuildAsync(ctx, store, paths, n / 10, $"{nodes} node(s)", cancellationToken, nodes: nodes);
            var drain = await HeraldDrain.RunAsync(ctx, store, backlog, Counted, backlog.Accepted * 10, $"10 endpoints, {nodes} node(s)", cancellationToken, nodes: nodes);
            ctx.Results.Drains.Add(drain);
            ctx.Results.ScaleOut.Add(new ScaleOutResult(nodes, backlog.Ingest, drain));
            await ctx.DropStoreAsync(store, cancellationToken);
        }
    }

    /// <summary>N/10 messages, each fanned out to 10 endpoints: N deliveries, like the 1-endpoint drain.</summary>
    public static async Task FanOutAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        int messages = Math.Max(1, ctx.Options.Messages / 10);
        var paths = Enumerable.Range(0, 10).Select(i => $"/ok/fan-{i}").ToList();
        var store = await ctx.NewStoreAsync(kind, "fanout", cancellationToken);
        var backlog = await HeraldBacklog.BuildAsync(ctx, store, paths, messages, "fan-out to 10", cancellationToken);
        var drain = await HeraldDrain.RunAsync(ctx, store, backlog, p => p.StartsWith("/ok/fan-", StringComparison.Ordinal), backlog.Accepted * 10, "fan-out to 10 endpoints", cancellationToken);
        ctx.Results.Drains.Add(drain);
        await ctx.DropStoreAsync(store, cancellationToken);
    }

    /// <summary>
    /// Ten healthy endpoints alone, then the same ten plus one that never answers (Herald's request timeout ends
    /// each attempt) and one that answers 500. Compares the healthy endpoints' deliveries/s. Two layouts: every
    /// endpoint on one receiver (one host:port, as when one customer registers several endpoints), and each endpoint
    /// on its own port, which tells a shared connection limit apart from other coupling. Each layout has its own
    /// baseline, the ten healthy endpoints alone in the same layout, so that the ratio measures what the bad endpoints
    /// cost and not what the layout costs; the port layout's drains are also compared with the one-receiver baseline.
    /// By default every drain runs on a warmed server (see <see cref="WarmUpIsolationAsync"/>): a server that has been
    /// running has compiled its failure paths long before, and a drain on a new process would charge that one-off
    /// compiling to the bad endpoints.
    /// </summary>
    public static async Task IsolationAsync(BenchContext ctx, string kind, CancellationToken cancellationToken)
    {
        int messages = ctx.Options.IsolationMessages;
        var healthy = Enumerable.Range(0, 10).Select(i => $"/ok/iso-{i}").ToList();
        static bool IsHealthy(string p) => p.StartsWith("/ok/iso-", StringComparison.Ordinal);
        var limit = ctx.Options.IsolationDrainLimit;
        string storeName = kind == "sqlite" ? "SQLite" : "PostgreSQL";
        var layouts = new[] { false, true }
            .Select(separate => (Separate: separate, Baselines: new List<DrainResult>(), Drains: new List<DrainResult>(), Requests: new List<(long, long)>()))
            .ToList();

        for (int round = 1; round <= ctx.Options.IsolationRounds; round++)
        {
            string of = ctx.Options.IsolationRounds > 1 ? $", round {round} of {ctx.Options.IsolationRounds}" : "";
            // Odd rounds run: baseline on one receiver, bad endpoints on one receiver, bad endpoints on a port each,
            // baseline on a port each. Even rounds run the reverse, so that whatever changes along a round (the page
            // cache, the database server's background work, the machine's state) weighs on the baselines and on the
            // drains with bad endpoints alike over the rounds instead of always on the later drains.
            var runs = new List<Func<Task>>();
            foreach (var layout in layouts)
            {
                Func<Task> baseline = () => BaselineAsync(layout.Separate, layout.Baselines, of);
                Func<Task> withBad = () => WithBadAsync(layout.Separate, layout.Drains, layout.Requests, of);
                runs.AddRange(layout.Separate ? [withBad, baseline] : [baseline, withBad]);
            }
            if (round % 2 == 0)
            {
                runs.Reverse();
            }
            foreach (var run in runs)
            {
                await run();
            }
            foreach (var (separate, baselines, drains, _) in layouts)
            {
                double ratio = drains[^1].Rate / baselines[^1].Rate;
                Ui.Info($"{storeName} isolation ({Variant(separate)}{of}): healthy {drains[^1].Rate:N0}/s with bad endpoints vs {baselines[^1].Rate:N0}/s without = {ratio:P0}");
            }
        }
        var oneReceiver = layouts[0].Baselines;
        foreach (var (separate, baselines, drains, requests) in layouts)
        {
            var result = new IsolationResult(storeName, Variant(separate), baselines, drains, requests, separate ? oneReceiver : null, ctx.Options.IsolationWarm);
            ctx.Results.Isolation.Add(result);
            Ui.Info($"{storeName} isolation ({result.Variant}), medians of {baselines.Count} round(s): healthy {result.WithBadRate:N0}/s with bad endpoints vs {result.BaselineRate:N0}/s without = {result.Ratio:P0}");
            if (result.OneReceiverBaselines is { } shared)
            {
                Ui.Info($"{storeName} isolation ({result.Variant}) against the one-receiver baseline ({IsolationResult.Median(shared.Select(d => d.Rate)):N0}/s): {result.RatioToOneReceiver:P0}");
            }
        }

        async Task BaselineAsync(bool separate, List<DrainResult> baselines, string of)
        {
            string variant = Variant(separate);
            var store = await ctx.NewStoreAsync(kind, separate ? "iso_base_ports" : "iso_base", cancellationToken);
            var backlog = await HeraldBacklog.BuildAsync(ctx, store, healthy, messages, $"isolation baseline, {variant}{of}", cancellationToken, separate);
            var baseline = await HeraldDrain.RunAsync(ctx, store, backlog, IsHealthy, backlog.Accepted * 10, $"isolation baseline: 10 healthy, {variant}{of}", cancellationToken, limit,
                warmUp: WarmUp(separate), vacuum: ctx.Options.IsolationVacuum);
            baselines.Add(baseline);
            await ctx.DropStoreAsync(store, cancellationToken);
            Ui.Info($"{storeName} isolation baseline ({variant}{of}), deliveries per second: {PerSecond(baseline.Buckets)}");
        }

        async Task WithBadAsync(bool separate, List<DrainResult> drains, List<(long, long)> requests, string of)
        {
            string variant = Variant(separate);
            var badStore = await ctx.NewStoreAsync(kind, separate ? "iso_bad_ports" : "iso_bad", cancellationToken);
            var badBacklog = await HeraldBacklog.BuildAsync(ctx, badStore, [.. healthy, "/hang/iso", "/fail/iso"], messages, "isolation with bad endpoints" + of, cancellationToken, separate);
            var drain = await HeraldDrain.RunAsync(ctx, badStore, badBacklog, IsHealthy, badBacklog.Accepted * 10, $"isolation: 10 healthy + hanging + 500, {variant}{of}", cancellationToken, limit,
                warmUp: WarmUp(separate), vacuum: ctx.Options.IsolationVacuum);
            var counts = (await ctx.Sink.CountAsync(cancellationToken)).Paths;
            drains.Add(drain);
            await ctx.DropStoreAsync(badStore, cancellationToken);
            requests.Add((counts.GetValueOrDefault("/hang/iso"), counts.GetValueOrDefault("/fail/iso")));
            Ui.Info($"{storeName} isolation ({variant}{of}), deliveries per second: {PerSecond(drain.Buckets)}");
        }

        Func<HeraldServerProcess, Task>? WarmUp(bool separate) =>
            ctx.Options.IsolationWarm ? server => WarmUpIsolationAsync(ctx, server, storeName, separate, cancellationToken) : null;

        static string Variant(bool separate) => separate ? "each endpoint on its own port" : "all endpoints on one receiver";
    }

    /// <summary>Messages the warm-up before each warmed isolation drain sends, each to its twelve endpoints.</summary>
    private const int IsolationWarmUpMessages = 1_000;

    /// <summary>Herald's default request timeout, which ends each request to a hanging endpoint.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The warm-up before a warmed isolation drain, the same before baselines and drains with bad endpoints: an
    /// application of its own with ten healthy endpoints, one that hangs and one that answers 500, in the drain's
    /// layout, takes <see cref="IsolationWarmUpMessages"/> messages. It lasts past Herald's request timeout, so that
    /// timeouts, breakers opening, held-back lines, retries and probes have all run once, and ends with the application
    /// deleted and no request of it left open at the sink.
    /// </summary>
    private static async Task WarmUpIsolationAsync(BenchContext ctx, HeraldServerProcess server, string storeName, bool separate, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var healthy = Enumerable.Range(0, 10).Select(i => $"/ok/warm-{i}").ToList();
        using var api = new HeraldApi(server.BaseUrl, 16);
        var (appId, _) = await HeraldBacklog.SetUpAsync(ctx, api, [.. healthy, "/hang/warm", "/fail/warm"], "isolation warm-up", cancellationToken, separate);
        await HeraldBacklog.IngestAsync(api, appId, storeName, IsolationWarmUpMessages, 16, _ => { }, cancellationToken);
        long delivered = await ctx.Sink.WaitForAsync(p => p.StartsWith("/ok/warm-", StringComparison.Ordinal), IsolationWarmUpMessages * 10L,
            ctx.Options.Stall, TimeSpan.FromMinutes(2), null, cancellationToken);
        var past = RequestTimeout + TimeSpan.FromSeconds(2) - started.Elapsed;
        if (past > TimeSpan.Zero)
        {
            await Task.Delay(past, cancellationToken);
        }
        var counts = (await ctx.Sink.CountAsync(cancellationToken)).Paths;
        await api.DeleteAppAsync(appId, cancellationToken);
        var open = System.Diagnostics.Stopwatch.StartNew();
        long hanging;
        while ((hanging = (await ctx.Sink.CountAsync(cancellationToken)).Hanging) > 0 && open.Elapsed < RequestTimeout + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100, cancellationToken);
        }
        Ui.Info($"{storeName} isolation warm-up ({(separate ? "a port each" : "one receiver")}): {delivered:N0} healthy deliveries, " +
                $"{counts.GetValueOrDefault("/hang/warm")} requests to the hanging and {counts.GetValueOrDefault("/fail/warm")} to the failing endpoint, " +
                $"{started.Elapsed.TotalSeconds:0.0} s{(hanging > 0 ? $", {hanging} hanging requests still open" : "")} (not counted)");
    }

    /// <summary>The sink's receipts per second (all paths), from its first receipt.</summary>
    private static string PerSecond(long[] buckets) =>
        string.Join(' ', buckets.Chunk(1000 / Sink.SinkServer.BucketMs).Select(c => c.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
