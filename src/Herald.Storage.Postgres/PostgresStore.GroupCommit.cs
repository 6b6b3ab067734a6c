using System.Data.Common;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Herald.Storage.Postgres;

// The write path of new messages: group commit (see PostgresGroupCommit), with the guarantees of WriteAsync.
public sealed partial class PostgresStore
{
    /// <summary>New messages share transactions with the messages other requests create at the same time (see <see cref="PostgresGroupCommit"/>).</summary>
    protected override Task<T> WriteMessageAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        _messages.EnqueueAsync((c, t) => write(c, t, CancellationToken.None), cancellationToken);

    /// <summary>
    /// Commits one batch of message writes with the guarantees of <see cref="WriteAsync{T}"/>: a commit whose answer
    /// was lost is reported as such, an unreachable server is retried once on a fresh connection, a refused write
    /// names its cause, a deadlock is run again. A write's own failure (a duplicate, a lost idempotency claim) fails it alone.
    /// </summary>
    private async Task CommitMessagesAsync(IReadOnlyList<PostgresGroupCommit.IWork> batch)
    {
        bool savepoints = false;
        for (int attempt = 1; ; attempt++)
        {
            bool committing = false;
            var queued = new StrongBox<bool>();
            _queuedByWrite.Value = queued;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                if (!await PostgresGroupCommit.RunBatchAsync(batch, connection, transaction, savepoints, FailsAlone))
                {
                    await transaction.RollbackAsync();
                    Reset(batch);
                    savepoints = true;
                    attempt--; // not a failure of the database
                    continue;
                }
                committing = true;
                await transaction.CommitAsync();
                if (queued.Value)
                {
                    RequestNotify();
                }
                foreach (var work in batch)
                {
                    work.Complete();
                }
                return;
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                if (committing)
                {
                    _dataSource.Clear();
                    Fail(batch, new StoreOutcomeUnknownException("The connection to PostgreSQL was lost while committing; the write may have been stored.", ex));
                    return;
                }
                if (!ShouldRetryAfter(ex, attempt))
                {
                    Fail(batch, Unavailable(ex));
                    return;
                }
                Reset(batch);
            }
            catch (PostgresException ex) when (PostgresFailures.Classify(ex) is { } reason and not StoreFailure.Unreachable)
            {
                Fail(batch, new StoreUnavailableException($"PostgreSQL refused the write: {ex.MessageText}", ex, reason));
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                               && attempt <= MaxConflictRetries)
            {
                Reset(batch); // the server rolled the transaction back; run it again
            }
            catch (PostgresException) when (committing && batch.Count > 1)
            {
                // The server refused the commit of the whole batch: each write in a transaction of its own.
                foreach (var work in batch)
                {
                    work.Reset();
                    await CommitMessagesAsync([work]);
                }
                return;
            }
        }
    }

    /// <summary>A write's failure that is its own (the statement was refused), not the database's: it fails that write alone.</summary>
    private static bool FailsAlone(Exception ex) => ex switch
    {
        DuplicateException or IdempotencyClaimLostException => true,
        PostgresException pg => PostgresFailures.Classify(pg) is null && pg.SqlState is not (PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure),
        _ => false,
    };

    private static void Reset(IReadOnlyList<PostgresGroupCommit.IWork> batch)
    {
        foreach (var work in batch)
        {
            work.Reset();
        }
    }

    private static void Fail(IReadOnlyList<PostgresGroupCommit.IWork> batch, Exception ex)
    {
        foreach (var work in batch)
        {
            work.Fail(ex);
        }
    }
}
