using System.Globalization;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;

namespace Herald.Bench.Faults;

/// <summary>
/// A Herald server process on a fixed port over one store, which a fault scenario kills with SIGKILL and starts again
/// on the same port and data, as a supervisor (systemd, Kubernetes) would.
/// </summary>
internal sealed class FaultServer : IAsyncDisposable
{
    private readonly string _serverDll;
    private readonly Dictionary<string, string> _environment;
    private ChildProcess? _child;

    public FaultServer(string serverDll, HeraldStore store, IReadOnlyDictionary<string, string>? settings = null)
    {
        _serverDll = serverDll;
        BaseUrl = $"http://127.0.0.1:{ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture)}";
        _environment = new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = HeraldServerProcess.AdminToken,
            ["Herald__Storage__Provider"] = store.Provider,
            ["Herald__Storage__ConnectionString"] = store.ConnectionString,
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
            // The restarted process must find the name it claimed under, to release those claims at once.
            ["Herald__NodeId"] = "fault-bench",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            _environment[k] = v;
        }
    }

    public string BaseUrl { get; }

    /// <summary>The running process, or null between a kill and the next start.</summary>
    public ChildProcess? Process => _child;

    /// <summary>Starts the server and waits until it answers its health check.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var child = ChildProcess.Start("dotnet", [_serverDll, "--urls", BaseUrl], _environment);
        try
        {
            await child.WaitReadyAsync(BaseUrl + "/api/v1/health", TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
        _child = child;
    }

    /// <summary>SIGKILL: no shutdown code runs; requests in flight are cut off.</summary>
    public async Task KillAsync()
    {
        if (_child is { } child)
        {
            _child = null;
            await child.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => _child?.DisposeAsync() ?? ValueTask.CompletedTask;
}
