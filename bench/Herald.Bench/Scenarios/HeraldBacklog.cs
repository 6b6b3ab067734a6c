using System.Diagnostics;
using HdrHistogram;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>An application with endpoints at the sink, and messages accepted through the API.</summary>
internal sealed record Backlog(string AppId, IReadOnlyList<(string Path, string EndpointId)> Endpoints, long Accepted, IngestResult Ingest);

/// <summary>Builds a backlog through the HTTP API with the dispatcher off (roles = api); that is also the ingest measurement.</summary>
internal static class HeraldBacklog
{
    /// <param name="nodes">API nodes sharing the database (PostgreSQL); the clients are spread over them.</param>
    /// <param name="warmUp">Whether the servers first take <see cref="BenchOptions.Warmup"/> of ingest (for a measured ingest).</param>
    public static async Task<Backlog> BuildAsync(BenchContext ctx, HeraldStore store, IReadOnlyList<string> paths, int messages, string label, CancellationToken cancellationToken, bool separateReceivers = false, int nodes = 1, bool warmUp = false)
    {
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api", cancellationToken);
        await using var others = new ServerGroup();
        for (int i = 1; i < nodes; i++)
        {
            others.Add(await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api", cancellationToken));
        }
        var servers = others.Servers.Prepend(server).ToList();
        var apis = servers.Select(s => new HeraldApi(s.BaseUrl, ctx.Options.IngestConcurrency)).ToList();
        try
        {
            var api = apis[0];
            var (appId, endpoints) = await SetUpAsync(ctx, api, paths, label, cancellationToken, separateReceivers);
            if (warmUp && ctx.Options.Warmup > TimeSpan.Zero)
            {
                await WarmUpAsync(ctx, apis, store.Name, cancellationToken);
            }
            await using var profiler = ctx.Options.Trace is { } traceDir && label == "1 endpoint"
                ? Profiler.Start(traceDir, server.Process.Id, store.IsPostgres ? "ingest-postgres" : "ingest")
                : null;
            var cpu = await CpuMeter.StartAsync(store, cancellationToken);
            servers.ForEach(s => cpu.Add(s));
            var ingest = await Ui.TrackAsync($"{store.Name}: ingest {messages:N0} messages ({label})", messages,
                progress => IngestAsync(apis, appId, store.Name, messages, ctx.Options.IngestConcurrency, progress, cancellationToken));
            var (serverUs, databaseUs) = cpu.PerItem(ingest.Accepted);
            ingest = ingest with { ServerCpuUs = serverUs, DatabaseCpuUs = databaseUs };
            Ui.Info($"{store.Name} ingest ({label}): {ingest.Rate:N0} msg/s, p50 {ingest.P50Ms:0.0} ms, p99 {ingest.P99Ms:0.0} ms, {ingest.Errors} errors, " +
                    $"CPU per message: Herald {ingest.ServerCpuUs:0} µs" + (ingest.DatabaseCpuUs is { } db ? $", PostgreSQL {db:0} µs" : ""));
            return new Backlog(appId, endpoints, ingest.Accepted, ingest);
        }
        finally
        {
            foreach (var a in apis)
            {
                a.Dispose();
            }
        }
    }

    /// <summary>
    /// The same closed-loop ingest for <see cref="BenchOptions.Warmup"/> into an application of its own, which is then
    /// deleted with everything it holds: the measured ingest meets a server that has compiled its hot code, and the
    /// drain sees only the measured messages.
    /// </summary>
    private static async Task WarmUpAsync(BenchContext ctx, IReadOnlyList<HeraldApi> apis, string store, CancellationToken cancellationToken)
    {
        var (appId, _) = await SetUpAsync(ctx, apis[0], ["/ok/warmup"], "warm-up", cancellationToken);
        var warm = await Ui.TrackAsync($"{store}: warm-up, {ctx.Options.Warmup.TotalSeconds:0} s of ingest", ctx.Options.Warmup.TotalSeconds,
            progress => IngestAsync(apis, appId, store, int.MaxValue, ctx.Options.IngestConcurrency, _ => { }, cancellationToken, ctx.Options.Warmup, progress));
        await apis[0].DeleteAppAsync(appId, cancellationToken);
        Ui.Info($"{store} warm-up: {warm.Rate:N0} msg/s over {warm.Seconds:0.0} s, p99 {warm.P99Ms:0.0} ms (not counted)");
    }

    /// <summary>
    /// Creates the application and one endpoint per sink path, and gives the sink their secrets for sampled
    /// verification. The endpoints share sink port <paramref name="receiver"/>, or each gets its own port.
    /// </summary>
    public static async Task<(string AppId, List<(string Path, string EndpointId)> Endpoints)> SetUpAsync(
        BenchContext ctx, HeraldApi api, IReadOnlyList<string> paths, string label, CancellationToken cancellationToken, bool separateReceivers = false, int receiver = 0)
    {
        string appId = await api.CreateAppAsync("bench-" + label, cancellationToken);
        var endpoints = new List<(string, string)>();
        var secrets = new Dictionary<string, string>();
        for (int i = 0; i < paths.Count; i++)
        {
            string path = paths[i];
            string id = await api.CreateEndpointAsync(appId, ctx.Sink.Url(path, separateReceivers ? i : receiver), cancellationToken);
            endpoints.Add((path, id));
            secrets[path] = await api.GetSecretAsync(appId, id, cancellationToken);
        }
        await ctx.Sink.RegisterSecretsAsync(secrets, cancellationToken);
        return (appId, endpoints);
    }

    /// <summary>Closed-loop ingest: <paramref name="concurrency"/> clients each posting one message per request.</summary>
    public static Task<IngestResult> IngestAsync(HeraldApi api, string appId, string store, int messages, int concurrency, Action<double> progress, CancellationToken cancellationToken) =>
        IngestAsync([api], appId, store, messages, concurrency, progress, cancellationToken);

    /// <summary>Closed-loop ingest spread over several nodes: client <c>w</c> posts to node <c>w mod n</c>.</summary>
    /// <param name="duration">When given, the clients stop taking new messages after this long.</param>
    /// <param name="elapsed">Told the seconds elapsed while <paramref name="duration"/> runs.</param>
    public static async Task<IngestResult> IngestAsync(IReadOnlyList<HeraldApi> apis, string appId, string store, int messages, int concurrency, Action<double> progress, CancellationToken cancellationToken,
        TimeSpan? duration = null, Action<double>? elapsed = null)
    {
        long deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long next = 0, accepted = 0, errors = 0;
        var histograms = new LongHistogram[concurrency];
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var h = histograms[w] = new LongHistogram(60_000_000, 3);
            var api = apis[w % apis.Count];
            long seq;
            while (Stopwatch.GetTimestamp() < deadline && (seq = Interlocked.Increment(ref next)) <= messages)
            {
                long start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await api.SendMessageAsync(appId, HeraldApi.MessageBody(seq, 0), cancellationToken);
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }
                h.RecordValue(Math.Min(59_999_999, (Stopwatch.GetTimestamp() - start) * 1_000_000 / Stopwatch.Frequency));
                Interlocked.Increment(ref ok ? ref accepted : ref errors);
            }
        }, cancellationToken)).ToArray();
        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(200, cancellationToken)) != all)
        {
            progress(Interlocked.Read(ref accepted) + Interlocked.Read(ref errors));
            elapsed?.Invoke(sw.Elapsed.TotalSeconds);
        }
        await all;
        double seconds = sw.Elapsed.TotalSeconds;
        var total = new LongHistogram(60_000_000, 3);
        foreach (var h in histograms)
        {
            total.Add(h);
        }
        return new IngestResult(store, accepted, errors, seconds, total.GetValueAtPercentile(50) / 1000.0, total.GetValueAtPercentile(99) / 1000.0);
    }
}
