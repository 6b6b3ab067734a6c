using Herald.Storage.Sqlite;
using Herald.Testing;

namespace Herald.Storage.Tests.Sqlite;

/// <summary>What SQLite offers beside the roles: one process owns the file, so its cluster is that process.</summary>
public sealed class SqliteCapabilitiesTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_cluster_lock_runs_the_work_inline_each_time_even_when_nested()
    {
        await using var store = new SqliteStore(_directory.File("lock.db"));
        await store.InitializeAsync(Ct);
        IClusterLock clusterLock = store;
        var ran = new List<string>();

        bool outer = await clusterLock.TryRunExclusiveAsync(1, async ct =>
        {
            ran.Add("outer");
            Assert.True(await clusterLock.TryRunExclusiveAsync(1, _ => { ran.Add("inner"); return Task.CompletedTask; }, ct));
        }, Ct);

        Assert.True(outer);
        Assert.Equal(["outer", "inner"], ran);
    }

    [Fact]
    public async Task Disposing_twice_is_harmless()
    {
        var store = new SqliteStore(_directory.File("twice.db"));
        await store.InitializeAsync(Ct);
        await store.DisposeAsync();
        await store.DisposeAsync();
        Assert.Equal(_directory.File("twice.db"), ((ILocalDatabaseFile)store).DataSource);
    }
}
