using System.Globalization;
using System.Text;
using Herald.Bench.Scenarios;
using static Herald.Bench.Reporting.Targets;

namespace Herald.Bench.Reporting;

/// <summary>Writes report.md and the charts into the run's folder, and a copy as latest-&lt;mode&gt;.md beside it.</summary>
internal static class ReportWriter
{
    public static string Write(string resultsRoot, BenchOptions options, Results results, string? postgresDescription, string postgresStatus, DateTimeOffset startedAt, TimeSpan elapsed)
    {
        string runName = $"{startedAt.UtcDateTime:yyyyMMdd-HHmmss}-{options.Mode}";
        string dir = Path.Combine(resultsRoot, runName);
        Directory.CreateDirectory(dir);
        var charts = new[]
        {
            ("Herald vs the raw ceiling vs Hangfire", Charts.Comparison(dir, results)),
            ("Deliveries per second over time", Charts.Throughput(dir, results)),
            ("Latency distribution", Charts.Latency(dir, results)),
            ("Server memory during the largest drain", Charts.Memory(dir, results)),
        };
        var targets = Targets.Evaluate(results, options, postgresStatus);

        string Body(string imagePrefix)
        {
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"# Herald benchmark: {options.Mode} run, {startedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Took {elapsed.TotalSeconds:0} s. Backlog {options.Messages:N0} messages; latency {options.LatencyDuration.TotalSeconds:0} s per rate; " +
                $"isolation {options.IsolationMessages:N0} messages x 10 healthy endpoints. How to run and what each figure means: `docs/benchmarks.md`.");
            md.AppendLine();
            md.AppendLine("## Targets");
            md.AppendLine();
            md.AppendLine("| target | measured | result | note |");
            md.AppendLine("| --- | --- | --- | --- |");
            foreach (var t in targets)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Target} | {t.Measured} | {Mark(t.Met)} | {t.Note} |");
            }
            md.AppendLine();
            md.AppendLine("## Machine");
            md.AppendLine();
            md.AppendLine("| | |");
            md.AppendLine("| --- | --- |");
            foreach (var (name, value) in MachineInfo.Describe(postgresDescription))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
            }
            md.AppendLine(CultureInfo.InvariantCulture, $"| Packages | {string.Join(", ", MachineInfo.Packages().Select(p => $"{p.Name} {p.Version}"))} |");
            md.AppendLine();

            md.AppendLine("## Ingest (HTTP API, one message per request)");
            md.AppendLine();
            md.AppendLine("| store | clients | accepted | errors | seconds | msg/s | p50 ms | p99 ms | Herald CPU µs/msg | PostgreSQL CPU µs/msg |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var i in results.Ingest)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {i.Store} | {options.IngestConcurrency} | {i.Accepted:N0} | {i.Errors:N0} | {i.Seconds:0.0} | {F(i.Rate)} | {i.P50Ms:0.0} | {i.P99Ms:0.0} | {i.ServerCpuUs:0} | {(i.DatabaseCpuUs is { } db ? db.ToString("0", CultureInfo.InvariantCulture) : "")} |");
            }
            md.AppendLine();

            md.AppendLine("## Delivery (backlog drained to the sink)");
            md.AppendLine();
            md.AppendLine("| system | store | scenario | deliveries | seconds | deliveries/s | steady/s | peak RSS MB | signatures checked |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var d in results.Drains.Where(d => !d.Label.StartsWith("isolation", StringComparison.Ordinal)))
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {d.System} | {d.Store} | {d.Label} | {d.Delivered:N0}{(d.Complete ? "" : $" of {d.Expected:N0}")} | {d.Seconds:0.0} | {F(d.Rate)} | {F(d.SteadyRate)} | {(d.PeakRssMb > 0 ? F(d.PeakRssMb) : "-")} | {d.Verified} ok, {d.BadSignatures} bad |");
            }
            md.AppendLine();
            md.AppendLine("Seconds run from the (re)start of the server with the dispatcher on (Herald), the first request (raw) or the start of the job server (Hangfire) to the sink's last receipt; steady/s counts from the first receipt to the last.");
            md.AppendLine();

            if (results.ScaleOut.Count > 0)
            {
                md.AppendLine("## Scale-out (PostgreSQL; every node, PostgreSQL, the sink and the clients share this machine's cores)");
                md.AppendLine();
                md.AppendLine("| nodes | ingest msg/s (10 deliveries each) | ingest p99 ms | Herald CPU µs/msg (all nodes) | PostgreSQL CPU µs/msg | deliveries/s | steady/s | Herald CPU µs/delivery | PostgreSQL CPU µs/delivery |");
                md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
                foreach (var x in results.ScaleOut)
                {
                    md.AppendLine(CultureInfo.InvariantCulture,
                        $"| {x.Nodes} | {F(x.Ingest.Rate)} | {x.Ingest.P99Ms:0.0} | {x.Ingest.ServerCpuUs:0} | {x.Ingest.DatabaseCpuUs:0} | {F(x.Drain.Rate)}{(x.Drain.Complete ? "" : " (incomplete)")} | {F(x.Drain.SteadyRate)} | {x.Drain.ServerCpuUs:0} | {x.Drain.DatabaseCpuUs:0} |");
                }
                md.AppendLine();
                md.AppendLine("Ingest goes through that many API nodes (the clients spread over them); the drain restarts them as dispatcher nodes, and their CPU per delivery counts from each node's start (start-up included, so use a large backlog). docs/deployment.md turns the CPU figures into a projection.");
                md.AppendLine();
            }

            md.AppendLine("## Latency (open model, API request start to sink receipt)");
            md.AppendLine();
            md.AppendLine("| store | target msg/s | seconds | accepted/s | delivered/s in window | backlog at end | kept up | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | API p99 ms | errors |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var l in results.Latency)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {l.Store} | {l.TargetRate:N0} | {l.Seconds:0} | {F(l.AcceptedRate)} | {F(l.DeliveredRate)} | {l.BacklogAtEnd:N0} | {YesNo(l.KeptUp)} | {l.P50:0.0} | {l.P95:0.0} | {l.P99:0.0} | {l.P999:0.0} | {l.Max:0.0} | {l.ApiP99:0.0} | {l.Errors:N0} |");
            }
            md.AppendLine();

            md.AppendLine("## Isolation (10 healthy endpoints, plus one that hangs until Herald's timeout and one that answers 500)");
            md.AppendLine();
            md.AppendLine("| store | endpoints | rounds | healthy deliveries per drain | baseline /s (median) | with bad endpoints /s (median) | ratio of the medians | against the one-receiver baseline | each round: baseline, with bad endpoints, ratio | requests to the hanging / 500 endpoint, each round |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var i in results.Isolation)
            {
                var rounds = i.Baselines.Zip(i.WithBad, (good, bad) => $"{F(good.Rate)}, {F(bad.Rate)}{(bad.Complete ? "" : $" ({bad.Delivered:N0} of {bad.Expected:N0})")}, {bad.Rate / good.Rate:P0}{Autovacuumed(good, bad)}");
                string toOneReceiver = double.IsNaN(i.RatioToOneReceiver) ? "–" : i.RatioToOneReceiver.ToString("P0", CultureInfo.InvariantCulture);
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {i.Store} | {i.Variant} | {i.Baselines.Count} | {i.WithBad[0].Expected:N0} | {F(i.BaselineRate)} | {F(i.WithBadRate)} | {i.Ratio:P0} | {toOneReceiver} | {string.Join("; ", rounds)} | {string.Join("; ", i.BadRequests.Select(r => $"{r.Hang:N0} / {r.Fail:N0}"))} |");
            }
            md.AppendLine();
            if (results.Isolation.Any(i => i.Baselines.Concat(i.WithBad).Any(d => d.Autovacuum is not null)))
            {
                md.AppendLine((options.IsolationVacuum
                    ? "PostgreSQL: each backlog was vacuumed and analyzed once built, before its drain (`--isolation-vacuum on`, the default)."
                    : "PostgreSQL: the backlogs were left to autovacuum (`--isolation-vacuum off`).")
                    + " A round marked with autovacuum had an autovacuum worker vacuum (v) or analyze (a) the store's tables during the drain.");
                md.AppendLine();
            }
            md.AppendLine("Each layout has its own baseline: the ten healthy endpoints alone, in the same layout. Each round drains fresh backlogs, every drain on a newly started server, in the order baseline and bad endpoints on one receiver, then bad endpoints and baseline on a port each, reversed in even rounds; the target compares the medians over the rounds.");
            md.AppendLine();
            md.AppendLine(options.IsolationWarm
                ? "Warmed drains (`--isolation-start warm`, the default): while the backlog is held in the store, each new server first delivers a warm-up application's 1,000 messages to ten healthy endpoints, one that hangs and one that answers 500 (in the drain's layout, past Herald's 15 s request timeout, then deleted), the same before baselines and drains with bad endpoints; the rate counts from the first receipt after the backlog is released to the last, and CPU and memory from the release."
                : "Cold drains (`--isolation-start cold`): each drain starts on a new server process, and the rate counts from its start, one-off compiling included.");
            md.AppendLine();

            md.AppendLine(CultureInfo.InvariantCulture, $"## Noisy neighbour (one tenant's deliveries hang at 64 endpoints; another sends {options.NoisyRate:N0} msg/s for {options.NoisyDuration.TotalSeconds:0} s)");
            md.AppendLine();
            md.AppendLine("| store | hanging deliveries due | requests to hanging endpoints | other tenant: sent | accepted | delivered | errors | p50 ms | p99 ms | max ms |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var n in results.Noisy)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {n.Store} | {n.NoisyDeliveries:N0} to {n.NoisyEndpoints} endpoints | {n.HangRequests:N0} | {n.Issued:N0} | {n.Accepted:N0} | {n.Delivered:N0} | {n.Errors:N0} | {n.P50:0.0} | {n.P99:0.0} | {n.Max:0.0} |");
            }
            md.AppendLine();
            md.AppendLine("Latency is the other tenant's, from the scheduled send to the sink's receipt, with Herald's default delivery settings.");
            md.AppendLine();

            md.AppendLine(CultureInfo.InvariantCulture, $"## Recovery (an endpoint answers 503 for {options.Outage.TotalSeconds:0} s while {options.OutageRate:N0} msg/s are sent to it, then 200)");
            md.AppendLine();
            md.AppendLine("| store | outage s | sent | accepted | requests refused during the outage | healthy to first successful probe s | first successful probe to last held message s | delivered | of which within 10 s of the probe | redelivered | API errors |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var rec in results.Recovery)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {rec.Store} | {rec.OutageSeconds:0} | {rec.Issued:N0} | {rec.Accepted:N0} | {rec.RefusedDuringOutage:N0} | {rec.ProbeDelaySeconds:0.0} | {rec.DrainSeconds:0.00} | {rec.Delivered:N0}{(rec.AllDelivered ? "" : $" of {rec.Accepted:N0}")} | {rec.WithinTarget:N0} | {rec.Duplicates:N0} | {rec.Errors:N0} |");
            }
            md.AppendLine();

            HeraldThrottle.Write(md, results.Throttle);

            md.AppendLine("## Charts");
            md.AppendLine();
            foreach (var (title, file) in charts.Where(c => c.Item2 is not null))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"![{title}]({imagePrefix}{file})");
                md.AppendLine();
            }

            if (results.Notes.Count > 0)
            {
                md.AppendLine("## Notes");
                md.AppendLine();
                foreach (var note in results.Notes)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
                }
                md.AppendLine();
            }

            md.AppendLine("## Step timings");
            md.AppendLine();
            md.AppendLine("| step | seconds |");
            md.AppendLine("| --- | --- |");
            foreach (var (step, seconds) in results.Timings)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {step} | {seconds:0.0} |");
            }
            return md.ToString();
        }

        File.WriteAllText(Path.Combine(dir, "report.md"), Body(""));
        File.WriteAllText(Path.Combine(resultsRoot, $"latest-{options.Mode}.md"), Body(runName + "/"));
        return dir;
    }

    /// <summary>A round's note when autovacuum ran during its baseline or its drain with bad endpoints: vacuums (v) and analyzes (a).</summary>
    private static string Autovacuumed(DrainResult baseline, DrainResult withBad)
    {
        static string? Of(string which, DrainResult d) =>
            d.Autovacuum is { } av && av.Vacuums + av.Analyzes > 0 ? $"{which} {av.Vacuums}v/{av.Analyzes}a" : null;
        var parts = new[] { Of("baseline", baseline), Of("with bad", withBad) }.OfType<string>().ToList();
        return parts.Count == 0 ? "" : $" (autovacuum: {string.Join(", ", parts)})";
    }
}
