using Herald.Storage;
using Herald.Storage.Postgres;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Delivery.Tests.Stores;

/// <summary>A real store for a dispatcher test, and a way to run SQL on its database behind its back.</summary>
public interface ITestStore : IAsyncDisposable
{
    IHeraldStore Store { get; }

    /// <summary>Makes the database refuse to insert an attempt whose response or URL contains <paramref name="marker"/>.</summary>
    Task RefuseAttemptsContainingAsync(string marker);
}

/// <summary>A SQLite file in a temporary folder.</summary>
public sealed class SqliteTestStore : ITestStore
{
    private readonly TempDirectory _dir = new();
    private SqliteStore _store = null!;

    public IHeraldStore Store => _store;

    public static async Task<SqliteTestStore> CreateAsync()
    {
        var test = new SqliteTestStore();
        test._store = new SqliteStore(test._dir.File("herald.db"), synchronousFull: false);
        await test._store.InitializeAsync(CancellationToken.None);
        return test;
    }

    public async Task RefuseAttemptsContainingAsync(string marker)
    {
        await using var connection = new SqliteConnection("Data Source=" + _dir.File("herald.db"));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TRIGGER refuse_{marker.Replace('-', '_')} BEFORE INSERT ON attempts
            WHEN instr(NEW.response, '{marker}') > 0 OR instr(NEW.url, '{marker}') > 0
            BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
            """;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

/// <summary>A fresh database on the test PostgreSQL server, dropped afterwards.</summary>
public sealed class PostgresTestStore : ITestStore
{
    private string _connectionString = "";
    private PostgresStore _store = null!;

    public IHeraldStore Store => _store;

    public static async Task<PostgresTestStore> CreateAsync()
    {
        var test = new PostgresTestStore { _connectionString = await PostgresServer.CreateDatabaseAsync("dispatch") };
        test._store = new PostgresStore(test._connectionString);
        await test._store.InitializeAsync(CancellationToken.None);
        return test;
    }

    public async Task RefuseAttemptsContainingAsync(string marker)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        string name = "refuse_" + marker.Replace('-', '_');
        await using var command = dataSource.CreateCommand($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF strpos(NEW.response, '{marker}') > 0 OR strpos(NEW.url, '{marker}') > 0 THEN
                    RAISE EXCEPTION 'refused by the test';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION {name}();
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_connectionString);
    }
}
