using Microsoft.Data.Sqlite;

namespace Herald.Receiver.Inbox;

internal sealed partial class SqliteWebhookInbox
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // FULL: a message acknowledged with 2xx must survive a power cut, not only a process crash.
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL;", cancellationToken);
            if (!_initialized)
            {
                await InitializeAsync(connection, cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {_table} (
                    id TEXT NOT NULL PRIMARY KEY,
                    event_type TEXT NULL,
                    timestamp INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT NULL,
                    received_at INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL,
                    locked_until INTEGER NULL,
                    processed_at INTEGER NULL
                );
                CREATE INDEX IF NOT EXISTS ix_{_table}_due ON {_table} (status, next_attempt_at);
                CREATE INDEX IF NOT EXISTS ix_{_table}_lease ON {_table} (status, locked_until);
                CREATE INDEX IF NOT EXISTS ix_{_table}_received ON {_table} (received_at);
                """, cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void EnsureDirectory(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
