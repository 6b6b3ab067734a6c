using System.Globalization;
using Herald.Bench;
using Herald.Bench.Infrastructure;
using Herald.Bench.Reporting;
using Herald.Bench.Scenarios;
using Herald.Bench.Sink;
using Spectre.Console;

if (args.Length > 0 && args[0] == "sink")
{
    await SinkServer.RunAsync(args[Array.IndexOf(args, "--ports") + 1].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList());
    return 0;
}

if (args.Length > 0 && args[0] is "crash" or "soak")
{
    return await Herald.Bench.Faults.FaultBench.RunAsync(args, CancellationToken.None);
}

if (args.Length > 0 && args[0] == "outbox")
{
    return await Herald.Bench.Outbox.OutboxBench.RunAsync(args, CancellationToken.None);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (HelpRequestedException)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
var startedAt = DateTimeOffset.UtcNow;
_ = MachineInfo.StartLoad;
var clock = System.Diagnostics.Stopwatch.StartNew();

AnsiConsole.MarkupLine($"[bold]Herald benchmark[/] ({options.Mode} run, backlog {options.Messages:N0}, {Environment.ProcessorCount} cores)");
string serverDll = await Repo.ServerDllAsync(options.ServerDll, ct);
Ui.Info($"server: {serverDll}");
string workDir = Path.Combine(Path.GetTempPath(), $"herald-bench-{Environment.ProcessId}");
Directory.CreateDirectory(workDir);

var (postgres, pgWhy) = await Postgres.FindAsync(options, ct);
string? pgDescription = null;
string pgStatus = postgres is null ? $"PostgreSQL not used ({pgWhy})" : "";
if (postgres is not null)
{
    try
    {
        pgDescription = $"{await postgres.DescribeAsync(ct)} (from {pgWhy})";
        Ui.Info($"PostgreSQL: {pgDescription}");
    }
    catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
    {
        pgStatus = $"PostgreSQL unreachable: {ex.Message}";
        postgres = null;
    }
}
else
{
    Ui.Warn(pgStatus);
}

await using var sink = await SinkProcess.StartAsync(ct);
var ctx = new BenchContext(options, serverDll, sink, workDir, postgres);

// The first sentence of the server's start-up failure, without the stack trace.
static string ShortReason(string output)
{
    string line = output.Split('\n').FirstOrDefault(l => l.Contains("Exception: ", StringComparison.Ordinal)) ?? output.Split('\n')[0];
    int at = line.IndexOf("Exception: ", StringComparison.Ordinal);
    line = at >= 0 ? line[(at + "Exception: ".Length)..] : line;
    int stack = line.IndexOf("   at ", StringComparison.Ordinal);
    line = stack >= 0 ? line[..stack] : line;
    return line.Length > 200 ? line[..200] + "..." : line.Trim();
}

async Task Step(string name, Func<Task> work)
{
    if (options.Only is { } only && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
    {
        return;
    }
    Ui.Section(name);
    try
    {
        await ctx.TimedAsync(name, async () =>
        {
            await work();
            return 0;
        });
    }
    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
    {
        Ui.Warn($"{name} failed: {ex.Message}");
        ctx.Results.Notes.Add($"{name} failed: {ex.Message.Split('\n')[0]}");
    }
}

await Step("Raw ceiling", () => RawCeiling.RunAsync(ctx, ct));
await Step("SQLite: ingest + delivery to 1 endpoint", () => HeraldScenarios.IngestAndDrainAsync(ctx, "sqlite", ct));
await Step("SQLite: delivery fan-out to 10 endpoints", () => HeraldScenarios.FanOutAsync(ctx, "sqlite", ct));
await Step("SQLite: latency", () => HeraldLatency.RunAsync(ctx, "sqlite", ct));
await Step("SQLite: isolation", () => HeraldScenarios.IsolationAsync(ctx, "sqlite", ct));
await Step("SQLite: noisy neighbour", () => HeraldNoisyNeighbour.RunAsync(ctx, "sqlite", ct));
await Step("SQLite: recovery after an outage", () => HeraldRecovery.RunAsync(ctx, "sqlite", ct));
await Step("SQLite: ordered endpoint", () => HeraldOrdered.RunAsync(ctx, "sqlite", ct));
if (!options.SkipHangfire)
{
    await Step("Hangfire on SQLite", () => HangfireBaseline.RunAsync(ctx, "sqlite", ct));
}

if (postgres is not null)
{
    bool heraldOnPg = true;
    Ui.Section("PostgreSQL: ingest + delivery to 1 endpoint");
    try
    {
        if (options.Only is { } only && !"PostgreSQL: ingest + delivery to 1 endpoint".Contains(only, StringComparison.OrdinalIgnoreCase))
        {
            throw new OperationCanceledException("skipped by --only");
        }
        await ctx.TimedAsync("PostgreSQL: ingest + delivery to 1 endpoint", async () =>
        {
            await HeraldScenarios.IngestAndDrainAsync(ctx, "postgres", ct);
            return 0;
        });
        pgStatus = "";
    }
    catch (OperationCanceledException) when (options.Only is not null && !ct.IsCancellationRequested)
    {
        // Skipped by --only: the later PostgreSQL steps still run if their names match.
    }
    catch (ChildExitedException ex)
    {
        heraldOnPg = false;
        pgStatus = $"the Herald server does not start on PostgreSQL yet: {ShortReason(ex.Message)}";
        Ui.Warn(pgStatus);
        ctx.Results.Notes.Add($"Herald on PostgreSQL not measured: {pgStatus}");
    }
    if (options.Nodes.Length > 0 && (heraldOnPg || options.Only is not null))
    {
        await Step("PostgreSQL: scale-out drain over nodes", () => HeraldScenarios.ScaleOutAsync(ctx, ct));
    }
    if (heraldOnPg && !options.Quick)
    {
        await Step("PostgreSQL: delivery fan-out to 10 endpoints", () => HeraldScenarios.FanOutAsync(ctx, "postgres", ct));
        await Step("PostgreSQL: latency", () => HeraldLatency.RunAsync(ctx, "postgres", ct));
        await Step("PostgreSQL: isolation", () => HeraldScenarios.IsolationAsync(ctx, "postgres", ct));
        await Step("PostgreSQL: noisy neighbour", () => HeraldNoisyNeighbour.RunAsync(ctx, "postgres", ct));
        await Step("PostgreSQL: recovery after an outage", () => HeraldRecovery.RunAsync(ctx, "postgres", ct));
        await Step("PostgreSQL: ordered endpoint", () => HeraldOrdered.RunAsync(ctx, "postgres", ct));
        await Step("PostgreSQL: cluster throttle", () => HeraldThrottle.RunAsync(ctx, ct));
    }
    else if (heraldOnPg)
    {
        ctx.Results.Notes.Add("Quick run: on PostgreSQL only ingest, the 1-endpoint drain and Hangfire run; the full run adds fan-out, latency, isolation, noisy neighbour and recovery.");
    }
    if (!options.SkipHangfire)
    {
        await Step("Hangfire on PostgreSQL", () => HangfireBaseline.RunAsync(ctx, "postgres", ct));
    }
    if (pgDescription?.Contains("fsync=off", StringComparison.Ordinal) == true)
    {
        ctx.Results.Notes.Add("This PostgreSQL runs with fsync=off: its figures are not durable ones and are labelled as such. Without --postgres the bench starts its own durable PostgreSQL (fsync=on, synchronous_commit=on).");
    }
    await postgres.DropCreatedAsync();
}

string resultsRoot = options.Output ?? Path.Combine(Repo.Root, "bench", "results");
string runDir = ReportWriter.Write(resultsRoot, options, ctx.Results, pgDescription, pgStatus, startedAt, clock.Elapsed);
try
{
    Directory.Delete(workDir, recursive: true);
}
catch (IOException)
{
}

var table = new Table().AddColumns("target", "measured", "result", "note");
foreach (var t in Targets.Evaluate(ctx.Results, options, pgStatus))
{
    table.AddRow(Markup.Escape(t.Target), Markup.Escape(t.Measured), t.Met switch { true => "[green]met[/]", false => "[red]not met[/]", null => "[grey]n/a[/]" }, Markup.Escape(t.Note));
}
AnsiConsole.Write(table);
AnsiConsole.MarkupLine($"Report: [link]{Markup.Escape(Path.Combine(runDir, "report.md"))}[/] ({clock.Elapsed.TotalSeconds:0} s)");
return 0;
