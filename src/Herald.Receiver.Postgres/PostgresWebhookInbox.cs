using System.Data;
using System.Data.Common;
using Herald.Receiver.Inbox;
using Npgsql;

namespace Herald.Receiver.Postgres;

/// <summary>The scale-out inbox: several receiver instances share one PostgreSQL table and claim with SKIP LOCKED.</summary>
internal sealed class PostgresWebhookInbox : RelationalWebhookInbox
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <param name="dataSource">Where the table is.</param>
    /// <param name="ownsDataSource">Whether the inbox disposes <paramref name="dataSource"/>: only when it made it itself; an app's is the app's.</param>
    /// <param name="table">The inbox table's name, a plain identifier.</param>
    /// <param name="time">The clock for received, due and lease times.</param>
    public PostgresWebhookInbox(NpgsqlDataSource dataSource, bool ownsDataSource, string table, TimeProvider time) : base(table, time)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
    }

    /// <summary>An inbox with a data source of its own on <paramref name="connectionString"/>.</summary>
    public PostgresWebhookInbox(string connectionString, string table, TimeProvider time)
        : this(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, table, time)
    {
    }

    protected override string ClaimDueSql => $"""
        UPDATE {Table}
        SET status = 'processing', attempts = attempts + 1, locked_until = @lockedUntil
        WHERE id IN (
            SELECT id FROM {Table}
            WHERE (status = 'pending' AND next_attempt_at <= @now)
               OR (status = 'processing' AND locked_until <= @now)
            ORDER BY next_attempt_at
            LIMIT @max
            FOR UPDATE SKIP LOCKED)
        RETURNING {Columns};
        """;

    protected override string NextDueSql => $"""
        SELECT LEAST(
            (SELECT MIN(next_attempt_at) FROM {Table} WHERE status = 'pending'),
            (SELECT MIN(locked_until) FROM {Table} WHERE status = 'processing'));
        """;

    protected override DbType TimeType => DbType.DateTimeOffset;

    // timestamptz takes UTC only.
    protected override object ToDatabaseTime(DateTimeOffset time) => time.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // The advisory lock keeps instances starting together from racing on CREATE TABLE.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT pg_advisory_xact_lock(hashtext('herald_receiver_schema'));
            CREATE TABLE IF NOT EXISTS {Table} (
                id text NOT NULL PRIMARY KEY,
                event_type text NULL,
                timestamp bigint NOT NULL,
                body bytea NOT NULL,
                status text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                last_error text NULL,
                received_at timestamptz NOT NULL,
                next_attempt_at timestamptz NOT NULL,
                locked_until timestamptz NULL,
                processed_at timestamptz NULL
            );
            CREATE INDEX IF NOT EXISTS ix_{Table}_due ON {Table} (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX IF NOT EXISTS ix_{Table}_lease ON {Table} (locked_until) WHERE status = 'processing';
            CREATE INDEX IF NOT EXISTS ix_{Table}_received ON {Table} (received_at);
            """);
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync();
        }
    }

    protected override void DisposeCore()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }
}
