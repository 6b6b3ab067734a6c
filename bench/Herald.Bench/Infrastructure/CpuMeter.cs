using Herald.Bench.Targets;

namespace Herald.Bench.Infrastructure;

/// <summary>
/// CPU spent by Herald's nodes and by PostgreSQL (its whole process tree) from <see cref="StartAsync"/> on, for
/// CPU-per-message figures.
/// </summary>
internal sealed class CpuMeter
{
    private readonly IReadOnlyList<HeraldServerProcess> _servers;
    private readonly TimeSpan[] _serverStart;
    private readonly int? _postmaster;
    private readonly TimeSpan _databaseStart;

    private CpuMeter(IReadOnlyList<HeraldServerProcess> servers, int? postmaster)
    {
        _servers = servers;
        _serverStart = servers.Select(s => s.Process.CpuTime()).ToArray();
        _postmaster = postmaster;
        _databaseStart = postmaster is { } pm ? ProcessCpu.OfTree(pm) : TimeSpan.Zero;
    }

    public static async Task<CpuMeter> StartAsync(HeraldStore store, IReadOnlyList<HeraldServerProcess> servers, CancellationToken cancellationToken) =>
        new(servers, store.IsPostgres ? await ProcessCpu.PostmasterOfAsync(store.ConnectionString, cancellationToken) : null);

    /// <summary>Herald's CPU (all nodes) and PostgreSQL's (null for SQLite) since the start, per item, in µs.</summary>
    public (double Server, double? Database) PerItem(long items)
    {
        double n = Math.Max(1, items);
        var server = TimeSpan.Zero;
        for (int i = 0; i < _servers.Count; i++)
        {
            server += _servers[i].Process.CpuTime() - _serverStart[i];
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
