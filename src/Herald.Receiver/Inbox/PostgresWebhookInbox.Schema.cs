using Npgsql;

namespace Herald.Receiver.Inbox;

internal sealed partial class PostgresWebhookInbox
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (!_initialized)
        {
            try
            {
                await InitializeAsync(connection, cancellationToken);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        return connection;
    }

    private async Task InitializeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }
            // The advisory lock keeps instances starting together from racing on CREATE TABLE.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"""
                SELECT pg_advisory_xact_lock(hashtext('herald_receiver_schema'));
                CREATE TABLE IF NOT EXISTS {_table} (
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
                CREATE INDEX IF NOT EXISTS ix_{_table}_due ON {_table} (next_attempt_at) WHERE status = 'pending';
                CREATE INDEX IF NOT EXISTS ix_{_table}_lease ON {_table} (locked_until) WHERE status = 'processing';
                CREATE INDEX IF NOT EXISTS ix_{_table}_received ON {_table} (received_at);
                """, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }
}
