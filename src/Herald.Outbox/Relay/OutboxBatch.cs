using System.Data.Common;
using Dapper;

namespace Herald.Outbox.Relay;

/// <summary>
/// One application's rows held by this relay. Marks go into <paramref name="transaction"/> when there is one
/// (PostgreSQL: the rows stay locked until it commits); otherwise (SQLite, one relay) they are kept and written
/// together by <see cref="CommitAsync"/>, in one short write that never spans an HTTP call. Either way a crash
/// before the commit only means those rows are sent again, under the same idempotency keys.
/// </summary>
internal sealed class OutboxBatch(DbConnection connection, DbTransaction? transaction, IReadOnlyList<OutboxRow> rows, OutboxSentRows sentRows) : IAsyncDisposable
{
    private readonly List<(string Sql, object Args)> _deferred = [];
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
        else if (_deferred.Count > 0)
        {
            await using var marks = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (sql, args) in _deferred)
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, args, marks, cancellationToken: cancellationToken));
            }
            await marks.CommitAsync(cancellationToken);
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

    private Task ExecuteAsync(string sql, object args, CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            _deferred.Add((sql, args));
            return Task.CompletedTask;
        }
        return connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));
    }

    private static string Truncate(string error) => error.Length <= 1000 ? error : error[..1000];
}
