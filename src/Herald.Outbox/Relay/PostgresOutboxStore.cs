using System.Data.Common;
using Dapper;
using Npgsql;

namespace Herald.Outbox.Relay;

/// <summary>
/// PostgreSQL: any number of relays. An application is taken by a transaction-scoped advisory lock, so one relay at
/// a time sends its rows (in order); its rows are then locked <c>FOR UPDATE SKIP LOCKED</c> and marked in the same
/// transaction. A relay that dies mid-batch releases both with its connection, and the next one resends the
/// unmarked rows under the same idempotency keys.
/// </summary>
internal sealed class PostgresOutboxStore(HeraldOutboxOptions options) : OutboxStore(options), IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(options.ConnectionString);

    public override OutboxProvider Provider => OutboxProvider.PostgreSql;

    protected override DbConnection NewConnection() => _dataSource.CreateConnection();

    public override async Task<OutboxBatch?> OpenAsync(string appId, int max, CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        DbTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            bool mine = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_xact_lock(hashtextextended('herald_outbox:' || @appId, 0))", new { appId }, transaction, cancellationToken: cancellationToken));
            if (!mine)
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }
            // Read after the lock: the snapshot includes what the previous holder committed.
            var rows = await ReadRowsAsync(connection, transaction, appId, max, "FOR UPDATE SKIP LOCKED", cancellationToken);
            return new OutboxBatch(connection, transaction, rows, Options.SentRows);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
