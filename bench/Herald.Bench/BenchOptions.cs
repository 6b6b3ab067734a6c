using System.Globalization;

namespace Herald.Bench;

/// <summary>Command-line options. The full run is the default; <c>--quick</c> scales everything down to fit in a few minutes.</summary>
internal sealed record BenchOptions
{
    public bool Quick { get; init; }
    /// <summary>Messages in the delivery backlog (1 endpoint); the fan-out backlog holds N/10 messages to 10 endpoints.</summary>
    public int Messages { get; init; } = 1_000_000;
    public int IngestConcurrency { get; init; } = 64;
    public int RawConcurrency { get; init; } = 256;
    public int[] Rates { get; init; } = [1000, 5000];
    /// <summary>Node counts for the PostgreSQL scale-out drain; empty skips it.</summary>
    public int[] Nodes { get; init; } = [];
    public TimeSpan LatencyDuration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// Load a fresh server takes before a measured ingest or latency rate: on two cores a new process spends its
    /// first 10–15 s under load compiling hot code to its optimised tier (measured with dotnet-counters), which a
    /// server that has been running does not.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>
    /// Messages in each isolation drain, each to the ten healthy endpoints. A drain must outlast Herald's 15 s request
    /// timeout for the hanging endpoint's timeouts to fall inside it: at 15,000 deliveries/s, 400,000 take about 27 s.
    /// </summary>
    public int IsolationMessages { get; init; } = 40_000;
    /// <summary>Isolation rounds, each a fresh baseline and fresh backlogs with the bad endpoints; the medians are compared.</summary>
    public int IsolationRounds { get; init; } = 4;
    /// <summary>
    /// Whether each isolation drain runs on a warmed server (<c>warm</c>, the default): the backlog is held while the new
    /// server delivers a warm-up application's messages to healthy, hanging and failing endpoints, so that every drain,
    /// baseline or not, starts with the same code compiled, as on a server that has been running. <c>cold</c> drains
    /// on a server as it starts, one-off compiling included.
    /// </summary>
    public bool IsolationWarm { get; init; } = true;
    /// <summary>
    /// PostgreSQL: whether each isolation backlog is vacuumed and analyzed once built, before its drain (as pgbench
    /// does before a run), so that whether an autovacuum worker picks up the fresh table inside a timed drain, which
    /// differs from drain to drain, does not weigh on one drain and not the other.
    /// </summary>
    public bool IsolationVacuum { get; init; } = true;
    /// <summary>The longest an isolation drain may take; a hanging endpoint can hold healthy ones back for long.</summary>
    public TimeSpan IsolationDrainLimit { get; init; } = TimeSpan.FromSeconds(300);
    /// <summary>Messages the noisy tenant posts first, each to its 64 endpoints that never answer.</summary>
    public int NoisyMessages { get; init; } = 128;
    /// <summary>Messages in each drain of the ordered-endpoint scenario (unordered, 1 key, 1,000 keys).</summary>
    public int OrderedMessages { get; init; } = 5_000;
    /// <summary>The other tenant's steady rate (msg/s) while the noisy tenant's deliveries hang.</summary>
    public int NoisyRate { get; init; } = 100;
    public TimeSpan NoisyDuration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long the recovery scenario's endpoint is down while messages are sent to it.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>The rate (msg/s) at which messages are sent to the endpoint during the outage.</summary>
    public int OutageRate { get; init; } = 50;
    /// <summary>Messages the cluster-throttle scenario sends to its one throttled endpoint (at 100/s).</summary>
    public int ThrottleMessages { get; init; } = 3_000;
    /// <summary>Herald nodes in the cluster-throttle scenario.</summary>
    public int ThrottleNodes { get; init; } = 3;
    public int HangfireJobs { get; init; } = 20_000;
    public TimeSpan HangfireEnqueueLimit { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan HangfireDrainLimit { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>A drain that makes no progress for this long is reported as incomplete.</summary>
    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(30);
    public string? Postgres { get; init; }
    public bool NoPostgres { get; init; }
    public bool SkipHangfire { get; init; }
    public string? ServerDll { get; init; }
    public string? Output { get; init; }
    /// <summary>Profile the 1-endpoint ingest and drain and the isolation drains of each store with dotnet-trace and dotnet-counters into this folder.</summary>
    public string? Trace { get; init; }
    /// <summary>Run only the steps whose name contains this text (e.g. "SQLite: ingest").</summary>
    public string? Only { get; init; }
    /// <summary>How long the latency scenario waits after the load for the last deliveries.</summary>
    public TimeSpan LatencyGrace { get; init; } = TimeSpan.FromSeconds(120);

    public string Mode => Quick ? "quick" : "full";

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        bool quick = args.Contains("--quick");
        if (quick)
        {
            o = o with
            {
                Quick = true, Messages = 20_000, LatencyDuration = TimeSpan.FromSeconds(10), Warmup = TimeSpan.FromSeconds(1),
                LatencyGrace = TimeSpan.FromSeconds(10), IsolationMessages = 500, IsolationRounds = 1, IsolationDrainLimit = TimeSpan.FromSeconds(15),
                NoisyMessages = 32, OrderedMessages = 2_000, NoisyDuration = TimeSpan.FromSeconds(20), Outage = TimeSpan.FromSeconds(20),
                HangfireJobs = 2_000, HangfireEnqueueLimit = TimeSpan.FromSeconds(4), HangfireDrainLimit = TimeSpan.FromSeconds(8), Stall = TimeSpan.FromSeconds(10),
            };
        }
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            o = args[i] switch
            {
                "--quick" => o,
                "--messages" or "-n" => o with { Messages = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rates" => o with { Rates = Next().Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() },
                "--nodes" => o with { Nodes = Next().Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() },
                "--duration" => o with { LatencyDuration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--warmup" => o with { Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--isolation-messages" => o with { IsolationMessages = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--isolation-start" => o with
                {
                    IsolationWarm = Next() switch
                    {
                        "warm" => true,
                        "cold" => false,
                        var other => throw new ArgumentException($"--isolation-start takes warm or cold, not {other}."),
                    },
                },
                "--isolation-vacuum" => o with
                {
                    IsolationVacuum = Next() switch
                    {
                        "on" => true,
                        "off" => false,
                        var other => throw new ArgumentException($"--isolation-vacuum takes on or off, not {other}."),
                    },
                },
                "--isolation-rounds" => o with { IsolationRounds = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--ordered-messages" => o with { OrderedMessages = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--noisy-messages" => o with { NoisyMessages = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--noisy-rate" => o with { NoisyRate = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--noisy-duration" => o with { NoisyDuration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--outage" => o with { Outage = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--outage-rate" => o with { OutageRate = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--throttle-messages" => o with { ThrottleMessages = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--throttle-nodes" => o with { ThrottleNodes = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--hangfire-jobs" => o with { HangfireJobs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--postgres" => o with { Postgres = Next() },
                "--no-postgres" => o with { NoPostgres = true },
                "--skip-hangfire" => o with { SkipHangfire = true },
                "--server-dll" => o with { ServerDll = Next() },
                "--output" or "-o" => o with { Output = Next() },
                "--trace" => o with { Trace = Path.GetFullPath(Next()) },
                "--only" => o with { Only = Next() },
                "--help" or "-h" => throw new HelpRequestedException(),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o;
    }

    public const string Usage = """
        Herald.Bench: Herald against a raw .NET sender and Hangfire, on this machine.

          dotnet run -c Release --project bench/Herald.Bench -- [--quick] [options]

          --quick                  small run (< 3 minutes on 2 cores); the full run is the default
          -n, --messages N         delivery backlog (default 1,000,000; quick 20,000)
          --rates 1000,5000        open-model latency rates (msg/s)
          --nodes 1,2,3            also drain on PostgreSQL with this many nodes sharing the database
          --duration S             seconds per latency rate (default 60; quick 10)
          --warmup S               seconds of load a fresh server takes before the ingest and each latency rate are measured (default 15; quick 1)
          --isolation-messages N   messages in each isolation run (default 40,000; quick 500)
          --isolation-rounds N     isolation rounds, each a baseline and both runs with bad endpoints; even rounds in reverse order; medians compared (default 4; quick 1)
          --isolation-start warm   isolation drains on a warmed server (default; the backlog is held while the server delivers a warm-up app's messages
                                   to healthy, hanging and failing endpoints) or cold (on a server as it starts, one-off compiling included)
          --isolation-vacuum on    PostgreSQL: vacuum and analyze each isolation backlog once built, before its drain (default on; off leaves it to autovacuum)
          --ordered-messages N     ordered endpoints: messages per drain, unordered / 1 key / 1,000 keys (default 5,000; quick 2,000)
          --noisy-messages N       noisy neighbour: messages the noisy tenant posts to its 64 hanging endpoints (default 128; quick 32)
          --noisy-rate R           noisy neighbour: the other tenant's rate in msg/s (default 100)
          --noisy-duration S       noisy neighbour: seconds the other tenant sends (default 60; quick 20)
          --outage S               recovery: seconds the endpoint is down (default 60; quick 20)
          --outage-rate R          recovery: msg/s sent to the endpoint during the outage (default 50)
          --hangfire-jobs N        Hangfire jobs to enqueue (default 20,000; quick 2,000)
          --postgres CONNSTRING    PostgreSQL to use (default: a private durable one, fsync=on, started by scripts/postgres.sh)
          --no-postgres            SQLite only
          --skip-hangfire          leave Hangfire out
          --server-dll PATH        Herald.Server.dll to run (default: the server published with dotnet publish -c Release, ReadyToRun)
          -o, --output DIR         results folder (default bench/results)
          --only TEXT              run only the steps whose name contains TEXT
          --trace DIR              profile the 1-endpoint ingest and drain and the isolation drains (dotnet-trace + dotnet-counters must be installed)
        """;
}

internal sealed class HelpRequestedException : Exception;
