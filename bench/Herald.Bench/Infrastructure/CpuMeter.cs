using Herald.Bench.Targets;

namespace Herald.Bench.Infrastructure;

/// <summary>
/// CPU spent by Herald's nodes and by PostgreSQL (its whole process tree), for CPU-per-message figures. PostgreSQL
/// counts from <see cref="StartAsync"/>; a node counts from when it is added, or from its own start.
/// </summary>
internal sealed class CpuMeter
{
    private readonly List<(HeraldServerProcess Server, TimeSpan Start)> _servers = [];
    private readonly int? _postmaster;
    private readonly TimeSpan _databaseStart;

    private CpuMeter(int? postmaster)
    {
        _postmaster = postmaster;
        _databaseStart = postmaster is { } pm ? ProcessCpu.OfTree(pm) : TimeSpan.Zero;
    }

    public static async Task<CpuMeter> StartAsync(HeraldStore store, CancellationToken cancellationToken) =>
        new(store.IsPostgres ? await ProcessCpu.PostmasterOfAsync(store.ConnectionString, cancellationToken) : null);

    /// <param name="fromItsStart">Count the node's CPU from its own start (start-up included), not from now.</param>
    public CpuMeter Add(HeraldServerProcess server, bool fromItsStart = false)
    {
        _servers.Add((server, fromItsStart ? TimeSpan.Zero : server.Process.CpuTime()));
        return this;
    }

    /// <summary>Herald's CPU (all nodes) and PostgreSQL's (null for SQLite), per item, in µs.</summary>
    public (double Server, double? Database) PerItem(long items)
    {
        double n = Math.Max(1, items);
        var server = TimeSpan.Zero;
        foreach (var (s, start) in _servers)
        {
            server += s.Process.CpuTime() - start;
        }
        return (server.TotalMicroseconds / n, _postmaster is { } pm ? (ProcessCpu.OfTree(pm) - _databaseStart).TotalMicroseconds / n : null);
    }
}

/// <summary>Herald server processes started together and stopped together.</summary>
internal sealed class ServerGroup : IAsyncDisposable
{
    private readonly List<HeraldServerProcess> _servers = [];

    public IReadOnlyList<HeraldServerProcess> Servers => _servers;

    public void Add(HeraldServerProcess server) => _servers.Add(server);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
