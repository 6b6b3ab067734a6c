using System.Diagnostics;
using System.Globalization;
using Herald.Bench.Infrastructure;

namespace Herald.Bench.Faults;

/// <summary>
/// <c>bench crash [--kills 5] [--rate 500] [--store sqlite|postgres] [--postgres CONNSTRING] [--seed N] [--output DIR]</c>:
/// producers send at a steady rate, each message with its own Idempotency-Key, retrying every unanswered request
/// with the same key; the Herald server is killed with SIGKILL at random moments and started again on the same data.
/// Counts what was acknowledged, stored, stored twice, lost, and the slowest delivery from the first send.
/// </summary>
internal static class CrashBench
{
    private static readonly TimeSpan ShortestUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LongestUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan SlowestTarget = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int kills = FaultSetup.IntArg(args, "--kills", 5);
        int rate = FaultSetup.IntArg(args, "--rate", 500);
        int producers = FaultSetup.IntArg(args, "--producers", 128);
        int seed = FaultSetup.IntArg(args, "--seed", Environment.TickCount);
        string? output = FaultSetup.Arg(args, "--output") ?? FaultSetup.Arg(args, "-o");
        string work = Path.Combine(Path.GetTempPath(), $"herald-crash-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            string serverDll = await Repo.ServerDllAsync(FaultSetup.Arg(args, "--server-dll"), cancellationToken);
            var (store, postgres, storeDescription) = await FaultSetup.StoreAsync(args, "crash", work, cancellationToken);
            string loadBefore = FaultSetup.LoadAverage();
            Console.WriteLine($"Crash bench: {kills} kills, {rate} msg/s from {producers} producers, {storeDescription}, seed {seed}, {Environment.ProcessorCount} cores, load {loadBefore}");
            await using var sink = await KeyedSink.StartAsync(track: true, cancellationToken);
            await using var server = new FaultServer(serverDll, store, FaultSetup.Settings(args));
            await server.StartAsync(cancellationToken);
            string app = await FaultSetup.ApplicationAsync(server.BaseUrl, sink.Url, cancellationToken);

            using var clients = new RetryingClients(server.BaseUrl, app, track: true);
            using var stopNew = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var clock = Stopwatch.StartNew();
            var load = clients.RunAsync(rate, producers, stopNew.Token, giveUp.Token);
            var random = new Random(seed);
            var outages = new List<(double KilledAt, double Down, long AnsweredBefore)>();
            for (int i = 0; i < kills; i++)
            {
                await Task.Delay(ShortestUp + ((LongestUp - ShortestUp) * random.NextDouble()), cancellationToken);
                double killedAt = clock.Elapsed.TotalSeconds;
                long answered = clients.Answered;
                await server.KillAsync();
                var down = Stopwatch.StartNew();
                await server.StartAsync(cancellationToken);
                outages.Add((killedAt, down.Elapsed.TotalSeconds, answered));
                Console.WriteLine($"  kill {i + 1} at {killedAt:0.0} s ({answered} answered so far): back after {down.Elapsed.TotalSeconds:0.0} s");
            }
            await Task.Delay(Tail, cancellationToken);
            double loadSeconds = clock.Elapsed.TotalSeconds;
            await stopNew.CancelAsync();
            giveUp.CancelAfter(AnswerWait);
            await load;
            Console.WriteLine($"  load stopped at {loadSeconds:0.0} s: {clients.Issued} messages started, {clients.Answered} answered; waiting for deliveries");

            var answeredKeys = clients.Keys.Values.Where(k => k.Answered).ToList();
            var waitDelivery = Stopwatch.StartNew();
            while (answeredKeys.Any(k => !sink.Arrivals.ContainsKey(k.Key)) && waitDelivery.Elapsed < DeliveryWait)
            {
                await Task.Delay(200, cancellationToken);
            }
            // Long enough for a late second copy (a delivery re-sent after a kill) to land before counting.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var (messages, distinctKeys) = await StoreProbe.CountMessagesAsync(store, cancellationToken);

            var report = Evaluate(clients, sink, answeredKeys, messages, distinctKeys, rate, kills, loadSeconds, outages);
            report.Add("machine load average (1, 5, 15 min)", $"{loadBefore} at start, {FaultSetup.LoadAverage()} at end", note: "other processes on the machine share its cores");
            report.Print();
            if (output is not null)
            {
                string path = report.Write(output, $"crash-{store.Provider}", [
                    $"`dotnet run -c Release --project bench/Herald.Bench -- crash {FaultSetup.Shown(args)}` on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.",
                    "",
                    $"Store: {storeDescription}. Seed {seed.ToString(CultureInfo.InvariantCulture)}. {producers} producers send {rate} messages a second (message n due at n/{rate} s), each with its own Idempotency-Key, " +
                    "and send every unanswered request again (refused, reset, timed out, 5xx, 409 in progress) with the same key and body until answered before taking the next; " +
                    $"the server is killed with SIGKILL {kills} times, {ShortestUp.TotalSeconds:0}-{LongestUp.TotalSeconds:0} s after it was last ready, and started again at once on the same data.",
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

    private static FaultReport Evaluate(
        RetryingClients clients, KeyedSink sink, List<KeyRecord> answered, long messages, long distinctKeys, int rate, int kills, double loadSeconds,
        List<(double KilledAt, double Down, long AnsweredBefore)> outages)
    {
        var arrivals = sink.Arrivals;
        long unanswered = clients.Keys.Values.Count(k => !k.Answered && k.RejectedWith == 0);
        int lost = answered.Count(k => !arrivals.ContainsKey(k.Key));
        // A key stored twice shows as two message ids: in the answers its retries got, or in what reached the sink.
        int twiceByClient = clients.Keys.Values.Count(k => k.MessageIds.Count > 1);
        int twiceAtSink = arrivals.Values.Count(a => a.MessageIds.Count > 1);
        long twiceInStore = messages - distinctKeys;
        long redelivered = arrivals.Values.Sum(a => (long)(a.Deliveries - a.MessageIds.Count));
        var delivered = answered.Where(k => arrivals.ContainsKey(k.Key)).ToList();
        var latencies = delivered.Select(k => Stopwatch.GetElapsedTime(k.FirstSend, arrivals[k.Key].FirstTimestamp).TotalSeconds).Order().ToList();
        var fromDue = delivered.Select(k => Stopwatch.GetElapsedTime(k.Due, arrivals[k.Key].FirstTimestamp).TotalSeconds).Order().ToList();
        double slowest = latencies.Count > 0 ? latencies[^1] : double.NaN;
        var retried = clients.Keys.Values.Where(k => k.Tries > 1).ToList();

        var report = new FaultReport($"Kill -9 x {kills} under {rate} msg/s with retrying clients");
        report.Add("messages started by the producers", $"{clients.Issued:N0}", note: $"over {loadSeconds:0} s, {clients.Issued / loadSeconds:0} msg/s (target {rate})");
        report.Add("requests sent (with retries)", $"{clients.Requests:N0}", note: $"{retried.Count:N0} messages needed more than one request; {clients.Replayed:N0} answers were replays");
        report.Add("acknowledged (2xx)", $"{answered.Count:N0}", note: unanswered > 0 ? $"{unanswered:N0} still unanswered when the producers gave up" : "every message answered");
        report.Add("rejected (4xx, not retried)", $"{clients.Rejected:N0}", clients.Rejected == 0);
        report.Add("messages stored (database count)", $"{messages:N0}", messages == distinctKeys && distinctKeys >= answered.Count,
            $"{distinctKeys:N0} distinct keys; {distinctKeys - answered.Count:N0} stored but unanswered");
        report.Add("stored twice", $"{Math.Max(twiceInStore, Math.Max(twiceByClient, twiceAtSink)):N0}", twiceInStore == 0 && twiceByClient == 0 && twiceAtSink == 0,
            $"store {twiceInStore}, answers {twiceByClient}, sink {twiceAtSink}");
        report.Add("lost (acknowledged, never delivered)", $"{lost:N0}", lost == 0);
        report.Add("deliveries at the sink", $"{sink.Requests:N0}", note: $"{redelivered:N0} repeats of a delivered message (at-least-once after a kill; webhook-id dedupes)");
        report.Add("delivery from first send, p50 / p99", $"{FaultSetup.Percentile(latencies, 50):0.00} s / {FaultSetup.Percentile(latencies, 99):0.00} s");
        report.Add("slowest delivery from first send", $"{slowest:0.00} s", slowest <= SlowestTarget.TotalSeconds, $"target <= {SlowestTarget.TotalSeconds:0} s, restarts included");
        report.Add("delivery from due time, p99 / slowest", $"{FaultSetup.Percentile(fromDue, 99):0.00} s / {(fromDue.Count > 0 ? fromDue[^1] : double.NaN):0.00} s",
            note: "includes waiting for a free producer while the server was down or behind");
        report.Add("server down per kill (kill to healthy)", string.Join(", ", outages.Select(o => $"{o.Down:0.0} s")));
        var slowestKeys = answered.Where(k => arrivals.ContainsKey(k.Key))
            .OrderByDescending(k => Stopwatch.GetElapsedTime(k.FirstSend, arrivals[k.Key].FirstTimestamp)).Take(5)
            .Select(k => $"- {k.Key}: {Stopwatch.GetElapsedTime(k.FirstSend, arrivals[k.Key].FirstTimestamp).TotalSeconds:0.00} s from first send, " +
                $"answered after {Stopwatch.GetElapsedTime(k.FirstSend, k.AnsweredAt).TotalSeconds:0.00} s, {k.Tries} request(s)");
        report.Section("Slowest deliveries", slowestKeys);
        return report;
    }
}
