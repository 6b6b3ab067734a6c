using System.Diagnostics;
using System.Globalization;
using Herald.Bench.Infrastructure;

namespace Herald.Bench.Faults;

/// <summary>
/// <c>bench soak [--minutes 10] [--rate 1000] [--retention 00:02:00] [--store sqlite|postgres] [--output DIR]</c>: a
/// long steady load with retention deleting what ages out. Samples the database's size on disk (SQLite: the file
/// plus its write-ahead log) every <c>--sample</c> seconds with the ingest latency of that window, and reports the
/// size series, its spread over the last five minutes (flat within 20 % is the target) and ingest p50/p99.
/// <c>--retention 0</c> runs without retention, as the baseline for the ingest figures.
/// </summary>
internal static class SoakBench
{
    private static readonly TimeSpan FlatWindow = TimeSpan.FromMinutes(5);
    private const double FlatTarget = 0.20;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromMinutes(double.Parse(FaultSetup.Arg(args, "--minutes") ?? "10", CultureInfo.InvariantCulture));
        int rate = FaultSetup.IntArg(args, "--rate", 1000);
        int producers = FaultSetup.IntArg(args, "--producers", 128);
        var sample = TimeSpan.FromSeconds(FaultSetup.IntArg(args, "--sample", 10));
        string retention = FaultSetup.Arg(args, "--retention") ?? "00:02:00";
        string? maintenance = FaultSetup.Arg(args, "--maintenance-interval");
        bool keys = args.Contains("--idempotency-keys");
        string? output = FaultSetup.Arg(args, "--output") ?? FaultSetup.Arg(args, "-o");
        string work = Path.Combine(Path.GetTempPath(), $"herald-soak-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            string serverDll = await Repo.ServerDllAsync(FaultSetup.Arg(args, "--server-dll"), cancellationToken);
            var (store, postgres, storeDescription) = await FaultSetup.StoreAsync(args, "soak", work, cancellationToken);
            var settings = FaultSetup.Settings(args);
            settings["Herald__Retention__Period"] = retention;
            if (maintenance is not null)
            {
                settings["Herald__Maintenance__Interval"] = maintenance;
            }
            string loadBefore = FaultSetup.LoadAverage();
            Console.WriteLine($"Soak: {duration.TotalMinutes:0.#} min at {rate} msg/s from {producers} producers, retention {retention}, {storeDescription}, " +
                $"{(keys ? "with" : "without")} Idempotency-Keys, {Environment.ProcessorCount} cores, load {loadBefore}");
            await using var sink = await KeyedSink.StartAsync(track: false, cancellationToken);
            await using var server = new FaultServer(serverDll, store, settings);
            await server.StartAsync(cancellationToken);
            string app = await FaultSetup.ApplicationAsync(server.BaseUrl, sink.Url, cancellationToken);

            using var clients = new RetryingClients(server.BaseUrl, app, track: false, idempotencyKeys: keys);
            using var stopNew = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var clock = Stopwatch.StartNew();
            var load = clients.RunAsync(rate, producers, stopNew.Token, giveUp.Token);
            var samples = new List<Sample>();
            long lastAnswered = 0, lastDelivered = 0;
            var lastAt = TimeSpan.Zero;
            Console.WriteLine("    s   size MB   ingested/s   delivered/s   ingest p50 ms   p99 ms   server RSS MB");
            while (clock.Elapsed < duration)
            {
                // Sample k is taken at k * sample; a timer that wakes a little early waits again rather than sampling twice.
                var nextAt = sample * (samples.Count + 1);
                while (clock.Elapsed < nextAt)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, (nextAt - clock.Elapsed).TotalMilliseconds)), cancellationToken);
                }
                var at = clock.Elapsed;
                long answered = clients.Answered, delivered = sink.Requests;
                double seconds = (at - lastAt).TotalSeconds;
                var (p50, p99, _) = clients.WindowLatency();
                var s = new Sample(at.TotalSeconds, await StoreProbe.SizeAsync(store, cancellationToken) / 1048576.0,
                    (answered - lastAnswered) / seconds, (delivered - lastDelivered) / seconds, p50, p99, (server.Process?.Memory().Rss ?? 0) / 1048576.0);
                samples.Add(s);
                Console.WriteLine(s.Line);
                (lastAnswered, lastDelivered, lastAt) = (answered, delivered, at);
            }
            double loadSeconds = clock.Elapsed.TotalSeconds;
            await stopNew.CancelAsync();
            giveUp.CancelAfter(TimeSpan.FromSeconds(30));
            await load;

            var report = Evaluate(samples, clients, sink, duration, rate, retention, loadSeconds);
            report.Add("machine load average (1, 5, 15 min)", $"{loadBefore} at start, {FaultSetup.LoadAverage()} at end", note: "other processes on the machine share its cores");
            report.Print();
            if (output is not null)
            {
                string path = report.Write(output, $"soak-{store.Provider}", [
                    $"`dotnet run -c Release --project bench/Herald.Bench -- soak {FaultSetup.Shown(args)}` on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.",
                    "",
                    $"Store: {storeDescription}. {producers} producers send {rate} messages a second to one endpoint for {duration.TotalMinutes:0.#} min " +
                    $"({(keys ? "each with an Idempotency-Key" : "without Idempotency-Keys")}); Herald:Retention:Period={retention}" +
                    (maintenance is null ? " (maintenance every minute, the default)." : $", Herald:Maintenance:Interval={maintenance}."),
                ]);
                Console.WriteLine($"Report: {path}");
            }
            if (postgres is not null)
            {
                await postgres.DropCreatedAsync();
            }
            return report.AllMet ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static FaultReport Evaluate(List<Sample> samples, RetryingClients clients, KeyedSink sink, TimeSpan duration, int rate, string retention, double loadSeconds)
    {
        // The last five minutes, or the second half of a shorter run (the first half fills one retention period).
        var window = duration >= 2 * FlatWindow ? FlatWindow : duration / 2;
        var last = samples.Where(s => s.Seconds >= samples[^1].Seconds - window.TotalSeconds).ToList();
        double min = last.Min(s => s.SizeMb), max = last.Max(s => s.SizeMb);
        double spread = min > 0 ? (max - min) / min : double.NaN;
        var (p50, p99, count) = clients.Latency();
        bool retained = retention is not ("0" or "00:00:00");

        var report = new FaultReport($"Soak {duration.TotalMinutes:0.#} min at {rate} msg/s, retention {retention}");
        report.Add("messages acknowledged", $"{clients.Answered:N0}", note: $"{clients.Answered / loadSeconds:0} msg/s (target {rate}); {clients.Requests - clients.Issued:N0} requests retried");
        report.Add("deliveries at the sink", $"{sink.Requests:N0}");
        report.Add("ingest p50 / p99 (whole run)", $"{p50:0.0} ms / {p99:0.0} ms", note: $"{count:N0} answered requests; compare with a --retention 0 run");
        report.Add("database size at the end", $"{samples[^1].SizeMb:0.0} MB", note: $"peak {samples.Max(s => s.SizeMb):0.0} MB");
        report.Add($"size spread over the last {window.TotalMinutes:0.#} min", $"{spread:P0} ({min:0.0}-{max:0.0} MB)", retained ? spread <= FlatTarget : null,
            retained ? $"target: flat within {FlatTarget:P0}" : "no retention: growth expected");
        report.Section("Samples", [
            "| s | size MB | ingested/s | delivered/s | ingest p50 ms | ingest p99 ms | server RSS MB |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            .. samples.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"| {s.Seconds:0} | {s.SizeMb:0.0} | {s.Ingested:0} | {s.Delivered:0} | {s.P50:0.0} | {s.P99:0.0} | {s.RssMb:0} |")),
        ]);
        return report;
    }

    private sealed record Sample(double Seconds, double SizeMb, double Ingested, double Delivered, double P50, double P99, double RssMb)
    {
        public string Line => string.Create(CultureInfo.InvariantCulture,
            $"{Seconds,5:0} {SizeMb,9:0.0} {Ingested,12:0} {Delivered,13:0} {P50,15:0.0} {P99,8:0.0} {RssMb,15:0}");
    }
}
