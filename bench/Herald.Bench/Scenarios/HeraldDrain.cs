using System.Diagnostics;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>Restarts the server with the dispatcher on and times the backlog until the sink has received all of it.</summary>
internal static class HeraldDrain
{
    public static async Task<DrainResult> RunAsync(BenchContext ctx, HeraldStore store, Backlog backlog, Func<string, bool> counted, long expected, string label, CancellationToken cancellationToken, TimeSpan? limit = null, int nodes = 1)
    {
        await ctx.Sink.ResetAsync(cancellationToken);
        if (store.IsPostgres)
        {
            // Every drain starts right after a checkpoint: each page it changes first costs a full-page image in the
            // WAL after a checkpoint, so a drain that met one part-way paid more than one that did not.
            await using var pg = new Npgsql.NpgsqlConnection(store.ConnectionString);
            await pg.OpenAsync(cancellationToken);
            await using var checkpoint = new Npgsql.NpgsqlCommand("CHECKPOINT", pg) { CommandTimeout = 600 };
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }
        // The dispatcher starts sending as soon as a node is up: each node's CPU counts from its own start (start-up
        // included), PostgreSQL's from before the first one.
        var cpu = await CpuMeter.StartAsync(store, cancellationToken);
        long restart = Stopwatch.GetTimestamp();
        await using var server = await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "api,dispatcher", cancellationToken);
        // Further nodes only deliver; they share the database and its leases with the first.
        var others = new ServerGroup();
        for (int i = 1; i < nodes; i++)
        {
            others.Add(await HeraldServerProcess.StartAsync(ctx.ServerDll, store, "dispatcher", cancellationToken));
        }
        foreach (var node in others.Servers.Prepend(server))
        {
            cpu.Add(node, fromItsStart: true);
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
        double seconds = (end - restart) / (double)Stopwatch.Frequency;
        double steady = (stats.LastTimestamp - stats.FirstTimestamp) / (double)Stopwatch.Frequency;
        var result = new DrainResult("Herald", store.Name, label, backlog.Endpoints.Count(e => counted(e.Path)), expected, delivered, seconds, steady,
            memory.PeakRss / 1024.0 / 1024.0, stats.Buckets, memory.Samples, stats.Verified, stats.BadSignatures)
        {
            ServerCpuUs = serverUs, DatabaseCpuUs = databaseUs,
        };
        Ui.Info($"{store.Name} drain ({label}): {result.Rate:N0} deliveries/s from restart ({result.SteadyRate:N0}/s steady), peak RSS {result.PeakRssMb:N0} MB, signatures {stats.Verified} ok / {stats.BadSignatures} bad, " +
                $"CPU per delivery: Herald {serverUs:0} µs" + (databaseUs is { } db ? $", PostgreSQL {db:0} µs" : ""));
        return result;
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
