using Herald.Storage.Sqlite;
using Herald.Storage.Tests.Compliance;
using Herald.Testing;

namespace Herald.Storage.Tests.Sqlite;

/// <summary>The compliance suite on a real SQLite file, a new one per test.</summary>
public sealed class SqliteStoreComplianceTests : StoreComplianceTests
{
    private readonly TempDirectory _directory = new();

    protected override async Task<IHeraldStore> CreateStoreAsync()
    {
        var store = new SqliteStore(_directory.File("herald.db"));
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override async Task<IHeraldStore> ReopenStoreAsync(TimeProvider time)
    {
        var store = new SqliteStore(_directory.File("herald.db"), timeProvider: time);
        await store.InitializeAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
