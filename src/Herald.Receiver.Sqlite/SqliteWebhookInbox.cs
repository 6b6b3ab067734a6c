using System.Data;
using System.Data.Common;
using Herald.Receiver.Inbox;
using Microsoft.Data.Sqlite;

namespace Herald.Receiver.Sqlite;

/// <summary>The inbox in one SQLite file in WAL mode. Times are stored as Unix milliseconds.</summary>
internal sealed class SqliteWebhookInbox : RelationalWebhookInbox
{
    /// <summary>Where the inbox is when <c>Inbox:ConnectionString</c> is not set.</summary>
    public const string DefaultConnectionString = "Data Source=herald-inbox.db";

    private readonly string _connectionString;

    public SqliteWebhookInbox(string connectionString, string table, TimeProvider time) : base(table, time)
    {
        _connectionString = connectionString;
        EnsureDirectory(connectionString);
    }

    protected override string ClaimDueSql => $"""
        UPDATE {Table}
        SET status = 'processing', attempts = attempts + 1, locked_until = @lockedUntil
        WHERE id IN (
            SELECT id FROM {Table}
            WHERE (status = 'pending' AND next_attempt_at <= @now)
               OR (status = 'processing' AND locked_until <= @now)
            ORDER BY next_attempt_at
            LIMIT @max)
        RETURNING {Columns};
        """;

    protected override string NextDueSql => $"""
        SELECT MIN(due) FROM (
            SELECT MIN(next_attempt_at) AS due FROM {Table} WHERE status = 'pending'
            UNION ALL
            SELECT MIN(locked_until) FROM {Table} WHERE status = 'processing');
        """;

    protected override DbType TimeType => DbType.Int64;

    protected override object ToDatabaseTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // FULL: a message acknowledged with 2xx must survive a power cut, not only a process crash.
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {Table} (
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
            CREATE INDEX IF NOT EXISTS ix_{Table}_due ON {Table} (status, next_attempt_at);
            CREATE INDEX IF NOT EXISTS ix_{Table}_lease ON {Table} (status, locked_until);
            CREATE INDEX IF NOT EXISTS ix_{Table}_received ON {Table} (received_at);
            """, cancellationToken);
    }

    protected override void DisposeCore()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
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
