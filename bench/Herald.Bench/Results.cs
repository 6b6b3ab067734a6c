namespace Herald.Bench;

internal sealed record IngestResult(string Store, long Accepted, long Errors, double Seconds, double P50Ms, double P99Ms)
{
    /// <summary>Herald's CPU time (user+system) during the ingest, per accepted message, in µs.</summary>
    public double? ServerCpuUs { get; init; }

    /// <summary>PostgreSQL's CPU time (all its processes) during the ingest, per accepted message, in µs.</summary>
    public double? DatabaseCpuUs { get; init; }

    public double Rate => Accepted / Seconds;
}

/// <summary>A backlog drained to the sink. Seconds run from the server's (re)start to the last receipt.</summary>
internal sealed record DrainResult(
    string System, string Store, string Label, int Endpoints, long Expected, long Delivered, double Seconds, double SteadySeconds,
    double PeakRssMb, long[] Buckets, List<(double Seconds, double Mb)> Memory, long Verified, long BadSignatures)
{
    /// <summary>Herald's CPU time (all nodes) during the drain, per delivery, in µs.</summary>
    public double? ServerCpuUs { get; init; }

    /// <summary>PostgreSQL's CPU time (all its processes) during the drain, per delivery, in µs.</summary>
    public double? DatabaseCpuUs { get; init; }

    /// <summary>PostgreSQL: how many times autovacuum vacuumed and analyzed the store's tables during the drain.</summary>
    public (long Vacuums, long Analyzes)? Autovacuum { get; init; }

    public double Rate => Delivered / Seconds;
    public double SteadyRate => SteadySeconds > 0 ? Delivered / SteadySeconds : 0;
    public bool Complete => Delivered >= Expected;
}

internal sealed record LatencyResult(
    string Store, int TargetRate, double Seconds, long Issued, long AcceptedInWindow, long Errors, long DeliveredInWindow,
    long BacklogAtEnd, bool AllDelivered, double P50, double P95, double P99, double P999, double Max, double ApiP99, double[][] Curve)
{
    public double AcceptedRate => AcceptedInWindow / Seconds;
    public double DeliveredRate => DeliveredInWindow / Seconds;
    public bool KeptUp => DeliveredInWindow >= 0.95 * TargetRate * Seconds && BacklogAtEnd <= TargetRate / 2 && AllDelivered;
}

/// <summary>
/// One isolation layout over every round: each round drains a fresh baseline (the healthy endpoints alone, in the same
/// layout) and a fresh backlog with the bad endpoints. The ratio compares the medians, so that one drain's warm-up (a
/// new process on two cores spends its first seconds on tier-0 code, and how long differs from start to start) cannot
/// decide it. OneReceiverBaselines, for the port layout, are the one-receiver layout's baselines of the same rounds.
/// </summary>
internal sealed record IsolationResult(
    string Store, string Variant, IReadOnlyList<DrainResult> Baselines, IReadOnlyList<DrainResult> WithBad, IReadOnlyList<(long Hang, long Fail)> BadRequests,
    IReadOnlyList<DrainResult>? OneReceiverBaselines = null, bool Warm = false)
{
    public double BaselineRate => Median(Baselines.Select(d => d.Rate));
    public double WithBadRate => Median(WithBad.Select(d => d.Rate));
    public double Ratio => WithBadRate / BaselineRate;

    /// <summary>The port layout's drains with bad endpoints against the one-receiver baseline; NaN for that layout itself.</summary>
    public double RatioToOneReceiver => OneReceiverBaselines is { } shared ? WithBadRate / Median(shared.Select(d => d.Rate)) : double.NaN;
    public bool Complete => WithBad.All(d => d.Complete);

    /// <summary>Each round's ratio: its drain with bad endpoints against its own baseline.</summary>
    public IEnumerable<double> RoundRatios => WithBad.Zip(Baselines, (bad, good) => bad.Rate / good.Rate);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>
/// One tenant's deliveries hang at 64 endpoints while another sends at a steady rate. Latency (ms) is the other
/// tenant's, scheduled send to receipt; HangRequests counts the noisy tenant's requests that reached the sink.
/// </summary>
internal sealed record NoisyResult(
    string Store, int NoisyEndpoints, long NoisyDeliveries, long HangRequests, int Rate, double Seconds,
    long Issued, long Accepted, long Errors, long Delivered, double P50, double P99, double Max)
{
    public bool AllDelivered => Delivered >= Accepted;
}

/// <summary>
/// An endpoint down for the outage while messages are sent to it, then healthy. Times in seconds: from healthy to
/// the first successful request (the breaker's probe), and from that request to the last held message's arrival
/// (NaN when none arrived). Delivered counts distinct messages; Duplicates the requests that repeated one;
/// WithinTarget the requests taken within the target's 10 s of the first successful one.
/// </summary>
internal sealed record RecoveryResult(
    string Store, double OutageSeconds, int Rate, long Issued, long Accepted, long Errors, long RefusedDuringOutage,
    long Delivered, long Duplicates, long WithinTarget, double ProbeDelaySeconds, double DrainSeconds)
{
    public bool AllDelivered => Delivered >= Accepted;
}

/// <summary>One PostgreSQL database shared by <see cref="Nodes"/> Herald nodes: ingest through all of them, then their drain.</summary>
internal sealed record ScaleOutResult(int Nodes, IngestResult Ingest, DrainResult Drain);

/// <summary>
/// Nodes sending to one throttled endpoint: what arrived, over how long (first to last receipt), and the most
/// that arrived within any one second (the sink's 100 ms buckets, ten at a time); MiddleRate the pace from the 5th
/// to the 95th percent of the arrivals.
/// </summary>
internal sealed record ThrottleResult(string Store, int Nodes, int Rate, long Accepted, long Delivered, double Seconds, double AverageRate, long Busiest, double MiddleRate);

internal sealed class Results
{
    public List<ScaleOutResult> ScaleOut { get; } = [];
    public List<IngestResult> Ingest { get; } = [];
    public List<DrainResult> Drains { get; } = [];
    public List<LatencyResult> Latency { get; } = [];
    public List<IsolationResult> Isolation { get; } = [];
    public List<NoisyResult> Noisy { get; } = [];
    public List<RecoveryResult> Recovery { get; } = [];
    public List<ThrottleResult> Throttle { get; } = [];
    public List<string> Notes { get; } = [];
    public List<(string Step, double Seconds)> Timings { get; } = [];

    public DrainResult? Drain(string system, string store, int endpoints = 1) =>
        Drains.FirstOrDefault(d => d.System == system && d.Store == store && d.Endpoints == endpoints);
}
