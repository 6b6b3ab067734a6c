using System.Globalization;
using Herald.Bench.Infrastructure;

namespace Herald.Bench.Targets;

/// <summary>Where Herald keeps its data for one scenario: a fresh SQLite file or a fresh PostgreSQL database.</summary>
internal sealed record HeraldStore(string Name, string Provider, string ConnectionString)
{
    public bool IsPostgres => Provider == "postgres";
}

/// <summary>The Herald server started as its own process, as it runs in production.</summary>
internal sealed class HeraldServerProcess : IAsyncDisposable
{
    public const string AdminToken = "bench-admin-token-0123456789";
    private readonly ChildProcess _child;

    private HeraldServerProcess(ChildProcess child, string baseUrl)
    {
        _child = child;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public ChildProcess Process => _child;

    /// <param name="roles"><c>api</c> builds a backlog without sending; <c>api,dispatcher</c> is the normal server.</param>
    public static async Task<HeraldServerProcess> StartAsync(string serverDll, HeraldStore store, string roles, CancellationToken cancellationToken)
    {
        int port = ChildProcess.FreePort();
        var env = new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = AdminToken,
            ["Herald__Storage__Provider"] = store.Provider,
            ["Herald__Storage__ConnectionString"] = store.ConnectionString,
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
            ["Herald__Roles"] = roles,
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        string baseUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var child = ChildProcess.Start("dotnet", [serverDll, "--urls", baseUrl], env);
        try
        {
            await child.WaitReadyAsync(baseUrl + "/api/v1/health", TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
        return new HeraldServerProcess(child, baseUrl);
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}

/// <summary>Samples the server's resident memory while a scenario runs.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public MemorySampler(ChildProcess process)
    {
        _process = process;
        _loop = Task.Run(LoopAsync);
    }

    public List<(double Seconds, double Mb)> Samples { get; } = [];

    public long PeakRss { get; private set; }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        var (rss, hwm) = _process.Memory();
        lock (Samples)
        {
            Samples.Add((_clock.Elapsed.TotalSeconds, rss / 1024.0 / 1024.0));
            PeakRss = Math.Max(PeakRss, Math.Max(rss, hwm));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        Sample();
        await _stop.CancelAsync();
        await _loop;
    }
}
