using System.Data.Common;
using Dapper;

namespace Herald.Outbox.Relay;

/// <summary>
/// One application's rows held by this relay. Marks go into <paramref name="transaction"/> when there is one
/// (PostgreSQL: the rows stay locked until it commits) or straight to the table (SQLite, one relay).
/// </summary>
internal sealed class OutboxBatch(DbConnection connection, DbTransaction? transaction, IReadOnlyList<OutboxRow> rows, OutboxSentRows sentRows) : IAsyncDisposable
{
    private bool _committed;

    public IReadOnlyList<OutboxRow> Rows => rows;

    public Task SentAsync(OutboxRow row, string messageId, long now, CancellationToken cancellationToken) => ExecuteAsync(
        sentRows == OutboxSentRows.Delete
            ? "DELETE FROM herald_outbox WHERE id = @id"
            : "UPDATE herald_outbox SET sent_at = @now, message_id = @messageId, attempts = attempts + 1, last_error = NULL WHERE id = @id",
        new { id = row.Id, now, messageId }, cancellationToken);

    public Task RetryLaterAsync(OutboxRow row, long nextAttemptAt, string error, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE herald_outbox SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_error = @error WHERE id = @id",
        new { id = row.Id, nextAttemptAt, error = Truncate(error) }, cancellationToken);

    public Task RejectedAsync(OutboxRow row, long now, string error, CancellationToken cancellationToken) => ExecuteAsync(
        "UPDATE herald_outbox SET attempts = attempts + 1, failed_at = @now, last_error = @error WHERE id = @id",
        new { id = row.Id, now, error = Truncate(error) }, cancellationToken);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (transaction is not null)
        {
            if (!_committed)
            {
                try
                {
                    await transaction.RollbackAsync();
                }
                catch (DbException)
                {
                    // The connection is gone; the server rolled back and released the rows itself.
                }
            }
            await transaction.DisposeAsync();
        }
        await connection.DisposeAsync();
    }

    private Task ExecuteAsync(string sql, object args, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    private static string Truncate(string error) => error.Length <= 1000 ? error : error[..1000];
}
