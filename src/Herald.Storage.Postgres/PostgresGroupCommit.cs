using System.Data.Common;
using System.Threading.Channels;
using Npgsql;

namespace Herald.Storage.Postgres;

/// <summary>
/// Group commit for the writes the API acknowledges one by one (new messages): concurrent writes queue here, and a
/// few committers each take what has queued, run it in one transaction and commit once, so that under load many
/// requests share one commit (one WAL flush with fsync on) instead of paying one each. Alone, a write costs what a
/// plain transaction costs.
/// <para>
/// A batch first runs without savepoints (no extra round trips). When a write fails (a duplicate <c>eventId</c>, a
/// lost idempotency claim), the batch is rolled back and run again with a savepoint around each write, so that the
/// failing write fails alone and its neighbours commit. When the server refuses the commit itself, each write is
/// tried again in a transaction of its own. A commit whose answer was lost fails every write of the batch as
/// <see cref="StoreOutcomeUnknownException"/>: each may have been stored, and none is repeated.
/// </para>
/// </summary>
internal sealed class PostgresGroupCommit : IAsyncDisposable
{
    private readonly Channel<IWork> _queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Func<IReadOnlyList<IWork>, Task> _commit;
    private readonly Task[] _committers;
    private readonly int _maxBatch;

    /// <param name="committers">How many batches may be in progress at once (each on its own pooled connection).</param>
    /// <param name="maxBatch">The most writes one transaction takes.</param>
    /// <param name="commit">Runs one batch: the store's transaction, retries and failure mapping around <see cref="RunBatchAsync"/>.</param>
    public PostgresGroupCommit(int committers, int maxBatch, Func<IReadOnlyList<IWork>, Task> commit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(committers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _maxBatch = maxBatch;
        _commit = commit;
        _committers = Enumerable.Range(0, committers).Select(_ => Task.Run(CommitLoopAsync)).ToArray();
    }

    /// <summary>Queues a write; completes once its batch has committed (or with the write's own failure).</summary>
    public async Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var work = new Work<T>(write);
        if (!_queue.Writer.TryWrite(work))
        {
            throw new ObjectDisposedException(nameof(PostgresGroupCommit));
        }
        return await work.Completion.Task;
    }

    private async Task CommitLoopAsync()
    {
        var batch = new List<IWork>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
            }
            if (batch.Count == 0)
            {
                continue; // another committer took it
            }
            try
            {
                await _commit(batch);
            }
            catch (Exception ex)
            {
                foreach (var work in batch)
                {
                    work.Fail(ex);
                }
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// Runs the batch's writes in <paramref name="transaction"/>. Returns false when a write failed without
    /// savepoints: the caller rolls back and runs the batch again with them. With savepoints a failing write is
    /// rolled back to its savepoint and fails alone (its failure is kept; the rest go on).
    /// </summary>
    public static async Task<bool> RunBatchAsync(
        IReadOnlyList<IWork> batch, NpgsqlConnection connection, NpgsqlTransaction transaction, bool savepoints, Func<Exception, bool> failsAlone)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var work = batch[i];
            if (work.Failure is not null)
            {
                continue; // failed alone in an earlier run of this batch
            }
            if (!savepoints)
            {
                try
                {
                    await work.RunAsync(connection, transaction);
                }
                catch (Exception ex) when (batch.Count > 1 && failsAlone(ex) && connection.State == System.Data.ConnectionState.Open)
                {
                    return false;
                }
                continue;
            }
            string name = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await transaction.SaveAsync(name);
            try
            {
                await work.RunAsync(connection, transaction);
                await transaction.ReleaseAsync(name);
            }
            catch (Exception ex) when (failsAlone(ex) && connection.State == System.Data.ConnectionState.Open)
            {
                await transaction.RollbackAsync(name);
                work.Failure = ex;
            }
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_committers);
    }

    /// <summary>One queued write.</summary>
    internal interface IWork
    {
        /// <summary>The write's own failure, once it has failed alone (the rest of its batch commits).</summary>
        Exception? Failure { get; set; }

        Task RunAsync(DbConnection connection, DbTransaction transaction);

        /// <summary>Answers the caller: its result, or its own failure.</summary>
        void Complete();

        void Fail(Exception exception);

        /// <summary>Forgets the result and failure of an earlier run of the batch (it was rolled back).</summary>
        void Reset();
    }

    private sealed class Work<T>(Func<DbConnection, DbTransaction, Task<T>> write) : IWork
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; set; }

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await write(connection, transaction);

        public void Complete()
        {
            if (Failure is { } failure)
            {
                Completion.TrySetException(failure);
            }
            else
            {
                Completion.TrySetResult(_result!);
            }
        }

        public void Fail(Exception exception) => Completion.TrySetException(exception);

        public void Reset()
        {
            _result = default;
            Failure = null;
        }
    }
}
