using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Sqlite;

/// <summary>
/// SQLite allows one writer. Writes queue here and a single loop runs whatever has queued in one transaction,
/// each in its own savepoint so that one failing write does not undo the others, then commits once and
/// completes every caller. Under load many API requests share one fsync. A batch holding only the dispatcher's
/// bookkeeping commits with synchronous=NORMAL (durable across a killed process, not a power cut); the next
/// fully synchronous commit makes it durable too, since WAL commits are ordered.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly SqliteConnection _connection;
    private readonly Channel<IWork> _queue = Channel.CreateBounded<IWork>(new BoundedChannelOptions(16_384) { SingleReader = true });
    private readonly Task _loop;
    private readonly bool _synchronousFull;
    private bool _currentFull;

    public GroupCommitWriter(SqliteConnection connection, bool synchronousFull)
    {
        _connection = connection;
        _synchronousFull = synchronousFull;
        _currentFull = synchronousFull;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public async Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, bool durable, CancellationToken cancellationToken)
    {
        var work = new Work<T>(write, durable);
        await _queue.Writer.WriteAsync(work, cancellationToken);
        return await work.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<IWork>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
            }
            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<IWork> batch)
    {
        try
        {
            bool full = _synchronousFull && batch.Exists(w => w.Durable);
            if (full != _currentFull)
            {
                using var pragma = _connection.CreateCommand();
                pragma.CommandText = full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
                await pragma.ExecuteNonQueryAsync();
                _currentFull = full;
            }
            using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync();
            for (int i = 0; i < batch.Count; i++)
            {
                string savepoint = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                transaction.Save(savepoint);
                try
                {
                    await batch[i].RunAsync(_connection, transaction);
                    transaction.Release(savepoint);
                }
                catch (Exception ex)
                {
                    transaction.Rollback(savepoint);
                    transaction.Release(savepoint);
                    batch[i].Fail(ex);
                }
            }
            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            foreach (var work in batch)
            {
                work.Fail(new StoreUnavailableException("The SQLite write could not be committed.", ex));
            }
            return;
        }
        foreach (var work in batch)
        {
            work.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _connection.DisposeAsync();
    }

    private interface IWork
    {
        bool Durable { get; }

        Task RunAsync(DbConnection connection, DbTransaction transaction);
        void Fail(Exception exception);
        void Complete();
    }

    private sealed class Work<T>(Func<DbConnection, DbTransaction, Task<T>> write, bool durable) : IWork
    {
        public bool Durable => durable;

        private T _result = default!;
        private bool _failed;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await write(connection, transaction);

        public void Fail(Exception exception)
        {
            _failed = true;
            Completion.TrySetException(exception);
        }

        public void Complete()
        {
            if (!_failed)
            {
                Completion.TrySetResult(_result);
            }
        }
    }
}
