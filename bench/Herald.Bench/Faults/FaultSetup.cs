using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Faults;

/// <summary>What the fault scenarios share: their arguments, a fresh store, and an application with one endpoint.</summary>
internal static class FaultSetup
{
    public static string? Arg(string[] args, string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    public static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Every <c>--set NAME=VALUE</c>: server settings as environment variables (e.g. <c>Herald__IdempotencyClaimTimeout=00:00:05</c>).</summary>
    public static Dictionary<string, string> Settings(string[] args)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--set")
            {
                string[] pair = args[i + 1].Split('=', 2);
                settings[pair[0].Replace(":", "__", StringComparison.Ordinal)] = pair.Length == 2 ? pair[1] : throw new ArgumentException($"--set {args[i + 1]}: expected NAME=VALUE.");
            }
        }
        return settings;
    }

    /// <summary>
    /// A fresh SQLite file in <paramref name="workDir"/>, or a fresh database on the PostgreSQL of <c>--postgres</c>
    /// (else the bench's own durable one, started as the main run starts it).
    /// </summary>
    public static async Task<(HeraldStore Store, Postgres? Server, string Description)> StoreAsync(string[] args, string name, string workDir, CancellationToken cancellationToken)
    {
        string kind = Arg(args, "--store") ?? "sqlite";
        if (kind == "sqlite")
        {
            return (new HeraldStore("SQLite", "sqlite", $"Data Source={Path.Combine(workDir, "herald.db")}"), null, "SQLite (WAL), default settings");
        }
        if (kind != "postgres")
        {
            throw new ArgumentException($"--store must be sqlite or postgres, not {kind}.");
        }
        var (pg, why) = await Postgres.FindAsync(new BenchOptions { Postgres = Arg(args, "--postgres") }, cancellationToken);
        if (pg is null)
        {
            throw new InvalidOperationException($"No PostgreSQL: {why}");
        }
        string connectionString = await pg.CreateDatabaseAsync(name, cancellationToken);
        return (new HeraldStore("PostgreSQL", "postgres", connectionString), pg, $"PostgreSQL {await pg.DescribeAsync(cancellationToken)} ({why})");
    }

    /// <summary>Creates an application with one endpoint at <paramref name="endpointUrl"/>; returns the application's id.</summary>
    public static async Task<string> ApplicationAsync(string baseUrl, string endpointUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldServerProcess.AdminToken);
        using var created = await http.PostAsJsonAsync("/api/v1/app", new Dictionary<string, string> { ["name"] = "Fault bench" }, cancellationToken);
        created.EnsureSuccessStatusCode();
        string app = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("id").GetString()!;
        using var endpoint = await http.PostAsJsonAsync($"/api/v1/app/{app}/endpoint", new Dictionary<string, string> { ["url"] = endpointUrl }, cancellationToken);
        endpoint.EnsureSuccessStatusCode();
        return app;
    }

    /// <summary>The arguments as typed, with a connection string (it may hold a password) left out.</summary>
    public static string Shown(string[] args) =>
        string.Join(' ', args.Select((a, i) => i > 0 && args[i - 1] == "--postgres" ? "CONNSTRING" : a));

    /// <summary>The machine's load averages over 1, 5 and 15 minutes, as /proc/loadavg gives them ("?" elsewhere).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>The value at <paramref name="percentile"/> (0-100) of an ascending list.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
