using System.Globalization;
using Herald.Bench.Scenarios;

namespace Herald.Bench.Reporting;

/// <summary>One target of the issue, with the figure measured for it. Targets are never lowered.</summary>
internal sealed record TargetRow(string Target, string Measured, bool? Met, string Note = "");

internal static class Targets
{
    public static List<TargetRow> Evaluate(Results r, BenchOptions options, string postgresStatus)
    {
        var rows = new List<TargetRow>();
        var sqlite = r.Drain("Herald", "SQLite");
        var pg = r.Drain("Herald", "PostgreSQL");
        var raw = r.Drains.FirstOrDefault(d => d.Label == "ceiling");
        var hfSqlite = r.Drains.FirstOrDefault(d => d.System == "Hangfire (SQLite)");
        var hfPg = r.Drains.FirstOrDefault(d => d.System == "Hangfire (PostgreSQL)");
        string scale = options.Messages == 1_000_000 ? "" : $"backlog {options.Messages:N0} (the full run drains 1,000,000)";

        rows.Add(sqlite is null
            ? new("Delivery, SQLite, 1 endpoint >= 10,000/s", "not measured", null)
            : new("Delivery, SQLite, 1 endpoint >= 10,000/s", $"{F(sqlite.Rate)}/s", sqlite.Complete && sqlite.Rate >= 10_000, Join(scale, Incomplete(sqlite))));
        rows.Add(sqlite is null || raw is null
            ? new("Delivery, SQLite, 1 endpoint >= 40% of raw ceiling", "not measured", null)
            : new("Delivery, SQLite, 1 endpoint >= 40% of raw ceiling", $"{sqlite.Rate / raw.Rate:P0} ({F(sqlite.Rate)} vs {F(raw.Rate)}/s)", sqlite.Complete && sqlite.Rate >= 0.4 * raw.Rate));
        rows.Add(pg is null
            ? new("Delivery, PostgreSQL, 1 endpoint >= 5,000/s", "not measured", null, postgresStatus)
            : new("Delivery, PostgreSQL, 1 endpoint >= 5,000/s", $"{F(pg.Rate)}/s", pg.Complete && pg.Rate >= 5_000, Join(scale, Incomplete(pg), postgresStatus)));

        var ingest = r.Ingest.FirstOrDefault(i => i.Store == "SQLite");
        rows.Add(ingest is null
            ? new("Ingest, SQLite durable (synchronous FULL) >= 10,000 msg/s", "not measured", null)
            : new("Ingest, SQLite durable (synchronous FULL) >= 10,000 msg/s", $"{F(ingest.Rate)} msg/s", ingest.Rate >= 10_000 && ingest.Errors == 0,
                $"{options.IngestConcurrency} clients, p99 {ingest.P99Ms:0.0} ms, {ingest.Errors} errors"));

        var l1 = r.Latency.FirstOrDefault(l => l.Store == "SQLite" && l.TargetRate == 1000);
        rows.Add(l1 is null
            ? new("Latency, SQLite, 1,000 msg/s: p99 <= 20 ms", "not measured", null)
            : new("Latency, SQLite, 1,000 msg/s: p99 <= 20 ms", $"p99 {l1.P99:0.0} ms", l1.P99 <= 20 && l1.KeptUp, $"p50 {l1.P50:0.0}, max {l1.Max:0.0} ms; kept up: {YesNo(l1.KeptUp)}"));
        var l5 = r.Latency.FirstOrDefault(l => l.Store == "SQLite" && l.TargetRate == 5000);
        rows.Add(l5 is null
            ? new("Latency, SQLite, 5,000 msg/s: keeps up, p99 <= 50 ms", "not measured", null)
            : new("Latency, SQLite, 5,000 msg/s: keeps up, p99 <= 50 ms", $"p99 {l5.P99:0.0} ms, kept up: {YesNo(l5.KeptUp)}", l5.P99 <= 50 && l5.KeptUp,
                $"delivered {F(l5.DeliveredRate)}/s in the window, backlog at end {l5.BacklogAtEnd:N0}"));

        rows.Add(sqlite is null || hfSqlite is null
            ? new("vs Hangfire (SQLite storage) >= 50x deliveries/s", "not measured", null)
            : new("vs Hangfire (SQLite storage) >= 50x deliveries/s", $"{sqlite.Rate / hfSqlite.Rate:0.0}x ({F(sqlite.Rate)} vs {F(hfSqlite.Rate)}/s)", sqlite.Rate >= 50 * hfSqlite.Rate));
        rows.Add(pg is null || hfPg is null
            ? new("vs Hangfire (PostgreSQL storage) >= 50x deliveries/s", hfPg is null ? "not measured" : $"Hangfire {F(hfPg.Rate)}/s; Herald on PostgreSQL not measured", null, postgresStatus)
            : new("vs Hangfire (PostgreSQL storage) >= 50x deliveries/s", $"{pg.Rate / hfPg.Rate:0.0}x ({F(pg.Rate)} vs {F(hfPg.Rate)}/s)", pg.Rate >= 50 * hfPg.Rate));

        foreach (var iso in r.Isolation)
        {
            rows.Add(new($"Isolation, {iso.Store}, {iso.Variant}: healthy >= 95% of baseline", (iso.Warm ? "warmed: " : "cold start: ") + IsolationFigure(iso),
                iso.Ratio >= 0.95 && iso.Complete, Join([.. iso.WithBad.Select(Incomplete)])));
        }
        if (r.Isolation.Count == 0)
        {
            rows.Add(new("Isolation: healthy >= 95% of baseline", "not measured", null));
        }

        foreach (var n in r.Noisy)
        {
            rows.Add(new($"Noisy neighbour, {n.Store}: other tenant's delivery latency p99 <= 1 s", $"p99 {n.P99:N0} ms",
                n.P99 <= 1000 && n.AllDelivered && n.Errors == 0,
                Join($"p50 {n.P50:0.0}, max {n.Max:N0} ms; {n.Delivered:N0} of {n.Accepted:N0} delivered at {n.Rate:N0} msg/s, {n.Errors:N0} errors; " +
                    $"{n.NoisyDeliveries:N0} deliveries due to {n.NoisyEndpoints} hanging endpoints",
                    n.NoisyDeliveries == 8_192 ? "" : "the full run has 8,192 hanging deliveries")));
        }
        if (r.Noisy.Count == 0)
        {
            rows.Add(new("Noisy neighbour: other tenant's delivery latency p99 <= 1 s", "not measured", null));
        }
        foreach (var rec in r.Recovery)
        {
            rows.Add(new($"Recovery, {rec.Store}: every message sent during a 60 s outage delivered within 10 s of the first successful probe",
                rec.Delivered > 0 ? $"{rec.DrainSeconds:0.0} s, {rec.Delivered:N0} of {rec.Accepted:N0} ({rec.WithinTarget:N0} within 10 s)" : $"no successful request, 0 of {rec.Accepted:N0}",
                rec.AllDelivered && rec.Errors == 0 && rec.DrainSeconds <= 10,
                Join($"first successful probe {rec.ProbeDelaySeconds:0.0} s after the endpoint was healthy; {rec.Rate:N0} msg/s sent, {rec.Errors:N0} API errors, " +
                    $"{rec.RefusedDuringOutage:N0} requests refused during the outage",
                    rec.OutageSeconds == 60 ? "" : $"indicative only: a {rec.OutageSeconds:0} s outage, not 60 s")));
        }
        if (r.Recovery.Count == 0)
        {
            rows.Add(new("Recovery: every message sent during a 60 s outage delivered within 10 s of the first successful probe", "not measured", null));
        }

        foreach (var t in r.Throttle)
        {
            rows.Add(new($"Cluster throttle, {t.Store}: {t.Nodes} nodes, throttleRate {t.Rate}/s on one endpoint: it receives <= {t.Rate * HeraldThrottle.TargetShare:0}/s",
                $"busiest second {t.Busiest:N0}; {t.MiddleRate:0.0}/s from 5 % to 95 % of the arrivals, {t.AverageRate:0.0}/s first to last",
                t.Delivered >= t.Accepted && t.Busiest <= t.Rate * HeraldThrottle.TargetShare,
                Join($"{t.Delivered:N0} of {t.Accepted:N0} delivered in {t.Seconds:0.0} s", t.Nodes == 3 ? "" : $"indicative only: {t.Nodes} nodes, not 3")));
        }
        if (r.Throttle.Count == 0)
        {
            rows.Add(new("Cluster throttle: 3 nodes, throttleRate 100/s on one endpoint: it receives <= 105/s", "not measured", null));
        }

        var largest = r.Drains.Where(d => d.System == "Herald" && d.Store == "SQLite").OrderByDescending(d => d.Expected).FirstOrDefault();
        rows.Add(largest is null
            ? new("Memory: peak RSS <= 300 MB during the 1,000,000 drain", "not measured", null)
            : new("Memory: peak RSS <= 300 MB during the 1,000,000 drain", $"{largest.PeakRssMb:N0} MB", largest.PeakRssMb <= 300,
                largest.Expected >= 1_000_000 ? $"{largest.Label}, SQLite" : $"indicative only: {largest.Expected:N0} deliveries drained, not 1,000,000"));
        return rows;
    }

    /// <summary>The medians' ratio, then each round's own, when there was more than one.</summary>
    private static string IsolationFigure(IsolationResult iso) =>
        iso.Baselines.Count == 1
            ? $"{iso.Ratio:P0} ({F(iso.WithBadRate)} vs {F(iso.BaselineRate)}/s)"
            : $"{iso.Ratio:P0} (medians of {iso.Baselines.Count} rounds, {F(iso.WithBadRate)} vs {F(iso.BaselineRate)}/s; each round: " +
              $"{string.Join(" / ", iso.RoundRatios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))})" +
              (double.IsNaN(iso.RatioToOneReceiver) ? "" : $"; against the one-receiver baseline {iso.RatioToOneReceiver:P0}");

    private static string Incomplete(DrainResult d) => d.Complete ? "" : $"incomplete: {d.Delivered:N0} of {d.Expected:N0}";

    private static string Join(params string[] parts) => string.Join("; ", parts.Where(p => p.Length > 0));

    public static string F(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    public static string YesNo(bool v) => v ? "yes" : "no";

    public static string Mark(bool? met) => met switch { true => "met", false => "**not met**", null => "n/a" };
}
