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
    public async Task The_writer_commits_to_a_write_ahead_log_and_keeps_each_writes_savepoint_journal_in_memory()
    {
        await using var store = new SqliteStore(_directory.File("settings.db"));
        await store.InitializeAsync(Ct);

        Assert.Equal("wal", await store.WriterPragmaAsync("journal_mode", Ct));
        // NORMAL: the writer fsyncs the log itself before it answers a durable write (GroupCommitWriter).
        Assert.Equal("1", await store.WriterPragmaAsync("synchronous", Ct));
        // MEMORY: the statement journal of every write's savepoint stays off the disk.
        Assert.Equal("2", await store.WriterPragmaAsync("temp_store", Ct));
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
