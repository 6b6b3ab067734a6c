using Herald.Storage.Postgres;
using Herald.Storage.Tests.Compliance;
using Npgsql;

namespace Herald.Storage.Tests.Postgres;

/// <summary>
/// The compliance suite on a real PostgreSQL: one fresh database for the class (ICU en-US collation when the
/// server has it), emptied before each test.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreComplianceTests(PostgresDatabase database) : StoreComplianceTests, IClassFixture<PostgresDatabase>
{
    private const string Node = "compliance-node";

    protected override async Task<IHeraldStore> CreateStoreAsync()
    {
        var store = new PostgresStore(database.ConnectionString, TimeProvider.System, Node);
        await store.InitializeAsync(Ct);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var truncate = dataSource.CreateCommand(
            "TRUNCATE applications, event_types, endpoints, messages, deliveries, attempts, idempotency, settings RESTART IDENTITY");
        await truncate.ExecuteNonQueryAsync();
        return store;
    }

    protected override async Task<IHeraldStore> ReopenStoreAsync(TimeProvider time)
    {
        var store = new PostgresStore(database.ConnectionString, time, Node);
        await store.InitializeAsync(Ct);
        return store;
    }
}
