using System.Diagnostics;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>Restarts the server with the dispatcher on and times the backlog until the sink has received all of it.</summary>
internal static class HeraldDrain
{
    /// <param name="warmUp">
    /// When given, the drain is measured on a warmed server: the backlog is held in the store (see <see cref="BacklogHold"/>)
    /// while the new server runs this, then released, and time, CPU and memory count from the release instead of the
    /// restart, the rate from the first receipt to the last (on SQLite the dispatcher finds the released backlog at its
    /// next poll, up to a second later). Nodes besides the first are not supported then.
    /// </param>
    /// <param name="vacuum">PostgreSQL: vacuum and analyze the built backlog before the server starts (see <see cref="Postgres.VacuumAnalyzeAsync"/>).</param>
    public static async Task<DrainResult> RunAsync(BenchContext ctx, HeraldStore store, Backlog backlog, Func<string, bool> counted, long expected, string label, CancellationToken cancellationToken, TimeSpan? limit = null, int nodes = 1,
        Func<HeraldServerProcess, Task>? warmUp = null, bool vacuum = false)
    {
        if (warmUp is not null && nodes != 1)
        {
            throw new ArgumentException("A warmed drain runs on one node.", nameof(nodes));
        }
        await ctx.Sink.ResetAsync(cancellationToken);
        if (vacuum && store.IsPostgres)
        {
            await Postgres.VacuumAnalyzeAsync(store.ConnectionString, cancellationToken);
        }
        if (warmUp is not null)
        {
            await BacklogHold.HoldAsync(store, backlog.AppId, cancellationToken);
        }
        else
        {
            await CheckpointAsync(store, cancellationToken);
        }
        // The dispatcher starts sending as soon as a node is up: each node's CPU counts from its own start (start-up
        // included), PostgreSQL's from before the first one.
        var autovacuumBefore = await AutovacuumCountsAsync(store, cancellationToken);
        var cpu = await CpuMeter.StartAsync(store, cancellationToken);
        long restart = Stopwatch.GetTimestamp();
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api,dispatcher", cancellationToken);
        if (warmUp is not null)
        {
            await warmUp(server);
            await CheckpointAsync(store, cancellationToken);
            await ctx.Sink.ResetAsync(cancellationToken);
            cpu = await CpuMeter.StartAsync(store, cancellationToken);
            cpu.Add(server);
            restart = Stopwatch.GetTimestamp();
            autovacuumBefore = await AutovacuumCountsAsync(store, cancellationToken);
            await BacklogHold.ReleaseAsync(store, backlog.AppId, cancellationToken);
        }
        // Further nodes only deliver; they share the database and its leases with the first.
        var others = new ServerGroup();
        for (int i = 1; i < nodes; i++)
        {
            others.Add(await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "dispatcher", cancellationToken));
        }
        if (warmUp is null)
        {
            foreach (var node in others.Servers.Prepend(server))
            {
                cpu.Add(node, fromItsStart: true);
            }
        }
        await using var memory = new MemorySampler(server.Process);
        await using var profiler = ctx.Options.Trace is { } traceDir && TracePhase(store, label) is { } phase
            ? Profiler.Start(traceDir, server.Process.Id, phase)
            : null;
        long delivered = await Ui.TrackAsync($"{store.Name}: drain {expected:N0} deliveries ({label})", expected,
            progress => ctx.Sink.WaitForAsync(counted, expected, ctx.Options.Stall, limit ?? TimeSpan.FromHours(2), n => progress(n), cancellationToken));
        long gaveUp = Stopwatch.GetTimestamp();
        var (serverUs, databaseUs) = cpu.PerItem(delivered);
        var stats = await ctx.Sink.StatsAsync(cancellationToken);
        var autovacuumAfter = await AutovacuumCountsAsync(store, cancellationToken);
        (long Vacuums, long Analyzes)? autovacuum = autovacuumBefore is { } b && autovacuumAfter is { } e ? (e.Vacuums - b.Vacuums, e.Analyzes - b.Analyzes) : null;
        await memory.DisposeAsync();
        await others.DisposeAsync();
        if (delivered < expected)
        {
            ctx.Results.Notes.Add($"{store.Name} {label}: only {delivered:N0} of {expected:N0} deliveries arrived before progress stopped for {ctx.Options.Stall.TotalSeconds:0} s or the time limit.");
            if (backlog.Endpoints.Count > 0)
            {
                using var api = new HeraldApi(server.BaseUrl, 4);
                var s = await api.GetStatsAsync(backlog.AppId, backlog.Endpoints[0].EndpointId, cancellationToken);
                ctx.Results.Notes.Add($"  Herald's stats for {backlog.Endpoints[0].Path}: success {s.Success:N0}, pending {s.Pending:N0}, fail {s.Fail:N0}, sending {s.Sending:N0}.");
            }
        }
        // Wall time from the restart to the last receipt; steady time from the first receipt to the last.
        // An incomplete drain counts until the bench gave up waiting, not until the last receipt.
        long end = delivered >= expected ? stats.LastTimestamp : gaveUp;
        double steady = (stats.LastTimestamp - stats.FirstTimestamp) / (double)Stopwatch.Frequency;
        double seconds = warmUp is not null && delivered >= expected ? steady : (end - restart) / (double)Stopwatch.Frequency;
        var result = new DrainResult("Herald", store.Name, label, backlog.Endpoints.Count(e => counted(e.Path)), expected, delivered, seconds, steady,
            memory.PeakRss / 1024.0 / 1024.0, stats.Buckets, memory.Samples, stats.Verified, stats.BadSignatures)
        {
            ServerCpuUs = serverUs, DatabaseCpuUs = databaseUs, Autovacuum = autovacuum,
        };
        Ui.Info($"{store.Name} drain ({label}): {result.Rate:N0} deliveries/s {(warmUp is null ? "from restart" : "warmed, first receipt to last")} ({result.SteadyRate:N0}/s steady), peak RSS {result.PeakRssMb:N0} MB, signatures {stats.Verified} ok / {stats.BadSignatures} bad, " +
                $"CPU per delivery: Herald {serverUs:0} µs" + (databaseUs is { } db ? $", PostgreSQL {db:0} µs" : "") +
                (autovacuum is { } av ? $", autovacuum during the drain: {av.Vacuums} vacuum(s), {av.Analyzes} analyze(s)" : ""));
        return result;
    }

    /// <summary>PostgreSQL: autovacuum's counts over the store's tables so far; null on SQLite.</summary>
    private static async Task<(long Vacuums, long Analyzes)?> AutovacuumCountsAsync(HeraldStore store, CancellationToken cancellationToken) =>
        store.IsPostgres ? await Postgres.AutovacuumCountsAsync(store.ConnectionString, cancellationToken) : null;

    /// <summary>
    /// Every PostgreSQL drain starts right after a checkpoint: each page it changes first costs a full-page image in
    /// the WAL after a checkpoint, so a drain that met one part-way paid more than one that did not.
    /// </summary>
    private static async Task CheckpointAsync(HeraldStore store, CancellationToken cancellationToken)
    {
        if (!store.IsPostgres)
        {
            return;
        }
        await using var pg = new Npgsql.NpgsqlConnection(store.ConnectionString);
        await pg.OpenAsync(cancellationToken);
        await using var checkpoint = new Npgsql.NpgsqlCommand("CHECKPOINT", pg) { CommandTimeout = 600 };
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The drains <c>--trace</c> profiles: the 1-endpoint drain and every isolation drain, each to a file of its own.</summary>
    private static string? TracePhase(HeraldStore store, string label)
    {
        string prefix = store.IsPostgres ? "drain-postgres" : "drain";
        if (label == "1 endpoint")
        {
            return prefix;
        }
        if (!label.StartsWith("isolation", StringComparison.Ordinal))
        {
            return null;
        }
        var slug = new System.Text.StringBuilder(prefix + "-");
        foreach (char c in label)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c).ToString() : slug[^1] == '-' ? "" : "-");
        }
        return slug.ToString().TrimEnd('-');
    }
}
