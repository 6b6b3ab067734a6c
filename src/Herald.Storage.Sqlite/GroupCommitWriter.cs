using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Sqlite;

/// <summary>
/// SQLite allows one writer. Writes queue here and a single loop runs whatever has queued in one transaction,
/// each in its own savepoint so that one failing write does not undo the others, then commits once and
/// completes every caller. Under load many API requests share one fsync.
/// <para>
/// The connection commits with synchronous=NORMAL: a commit reaches the operating system (it survives a killed
/// process) without waiting for the disk. When durable writes are asked for, a second loop then fsyncs the WAL file
/// and only after that completes the durable writes of every batch committed before it began; meanwhile the
/// writer already runs the next batch. That is the guarantee of synchronous=FULL (the WAL is synced after the
/// commit and before the caller hears of it) without holding the writer during the fsync. The dispatcher's
/// bookkeeping does not wait for the fsync; a later one covers it, since WAL commits are ordered. A checkpoint
/// syncs the WAL before copying it and the database after, so a WAL reset never drops an unsynced commit.
/// </para>
/// <para>
/// Background work that may wait (retention's deletes) queues apart and runs only when nothing else is queued, in
/// a transaction of its own: it never lengthens a batch that API requests wait for, and a request that arrives
/// meanwhile waits at most for that one small write.
/// </para>
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;
    // One name serves every write: each savepoint is released (or rolled back and released) before the next is set.
    private const string Savepoint = "w";
    private readonly SqliteConnection _connection;
    // Kept prepared: SqliteTransaction.Save and Release would prepare a new statement for every write.
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _release;
    private readonly WriteQueue<IWork> _queue = new(16_384);
    private readonly Channel<IWork> _whenIdle = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly bool _durable;
    private readonly Action _afterCommit;
    private readonly string _walPath;
    private readonly Channel<List<IWork>> _unsynced = Channel.CreateUnbounded<List<IWork>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _syncLoop;
    private FileStream? _wal;

    /// <param name="connection">The open writer connection, in WAL mode with synchronous=NORMAL.</param>
    /// <param name="durable">Whether durable writes wait for the WAL to reach the disk (power-cut safe).</param>
    /// <param name="afterCommit">Runs on the writer after each batch ends (committed or not), before its callers resume.</param>
    public GroupCommitWriter(SqliteConnection connection, bool durable, Action afterCommit)
    {
        _connection = connection;
        _afterCommit = afterCommit;
        _durable = durable;
        _walPath = connection.DataSource + "-wal";
        _savepoint = connection.CreateCommand();
        _savepoint.CommandText = $"SAVEPOINT {Savepoint}";
        _release = connection.CreateCommand();
        _release.CommandText = $"RELEASE {Savepoint}";
        // Plain thread-pool loops: a dedicated (LongRunning) thread would be given up at the first await anyway.
        _loop = Task.Run(RunAsync, CancellationToken.None);
        _syncLoop = Task.Run(SyncLoopAsync, CancellationToken.None);
    }

    public Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, bool durable, CancellationToken cancellationToken)
    {
        var work = new Work<T>(write, durable);
        var queued = _queue.WriteAsync(work, cancellationToken);
        return queued.IsCompletedSuccessfully ? work.Completion.Task : AfterQueuedAsync(queued, work);
    }

    /// <summary>Queues a write that runs only when no other write is queued, alone in its transaction; never durable.</summary>
    public Task<T> EnqueueWhenIdleAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write)
    {
        var work = new Work<T>(write, durable: false);
        if (!_whenIdle.Writer.TryWrite(work))
        {
            work.Fail(new ChannelClosedException());
            return work.Completion.Task;
        }
        // Wakes the loop if it waits (it only ever waits on the main queue); skipped when it is read.
        _ = _queue.WriteAsync(IdleWake.Instance, CancellationToken.None).AsTask().ContinueWith(
            static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return work.Completion.Task;
    }

    private static async Task<T> AfterQueuedAsync<T>(ValueTask queued, Work<T> work)
    {
        await queued;
        return await work.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<IWork>(MaxBatch);
        while (await _queue.WaitToReadAsync())
        {
            // Until both queues are empty: a batch of everything queued, else one piece of background work alone.
            while (true)
            {
                while (batch.Count < MaxBatch && _queue.TryRead(out var work))
                {
                    if (work is not IdleWake)
                    {
                        batch.Add(work);
                    }
                }
                if (batch.Count == 0 && _whenIdle.Reader.TryRead(out var idle))
                {
                    batch.Add(idle);
                }
                if (batch.Count == 0)
                {
                    break;
                }
                await CommitAsync(batch);
                batch.Clear();
            }
        }
        // Closed: background work still queued fails rather than waits forever.
        while (_whenIdle.Reader.TryRead(out var left))
        {
            left.Fail(new ChannelClosedException());
        }
    }

    private async Task CommitAsync(List<IWork> batch)
    {
        bool committing = false;
        try
        {
            using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync();
            _savepoint.Transaction = transaction;
            _release.Transaction = transaction;
            for (int i = 0; i < batch.Count; i++)
            {
                _savepoint.ExecuteNonQuery();
                try
                {
                    await batch[i].RunAsync(_connection, transaction);
                    _release.ExecuteNonQuery();
                }
                catch (Exception ex)
                {
                    if (ex is SqliteException { SqliteErrorCode: 13 or 10 or 7 })
                    {
                        // After a full disk or size limit, an I/O error or no memory SQLite may have rolled the whole
                        // transaction back: the batch fails for the write's own reason and is rolled back, nothing stored.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
                    }
                    transaction.Rollback(Savepoint);
                    transaction.Release(Savepoint);
                    batch[i].Fail(ex);
                }
            }
            committing = true;
            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            _afterCommit();
            var failure = Failure(ex, committing);
            foreach (var work in batch)
            {
                work.Fail(failure);
            }
            return;
        }
        _afterCommit();
        List<IWork>? waiting = null;
        foreach (var work in batch)
        {
            if (_durable && work.Durable)
            {
                (waiting ??= []).Add(work);
            }
            else
            {
                work.Complete();
            }
        }
        if (waiting is not null)
        {
            _unsynced.Writer.TryWrite(waiting);
        }
    }

    /// <summary>Fsyncs the WAL for everything committed so far, then completes the durable writes among it.</summary>
    private async Task SyncLoopAsync()
    {
        var pending = new List<IWork>();
        while (await _unsynced.Reader.WaitToReadAsync())
        {
            while (_unsynced.Reader.TryRead(out var committed))
            {
                pending.AddRange(committed);
            }
            try
            {
                // Opened once and kept: SQLite keeps the WAL file while any connection is open, and the writer's is.
                _wal ??= new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
                _wal.Flush(flushToDisk: true);
                foreach (var work in pending)
                {
                    work.Complete();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Committed (other connections see it) but perhaps not on the disk: a power cut could still lose it.
                var reason = ex is IOException { HResult: DiskFullHResult } ? StoreFailure.Full : StoreFailure.IoError;
                foreach (var work in pending)
                {
                    work.Fail(new StoreOutcomeUnknownException("The SQLite write-ahead log could not be flushed to disk after the commit.", ex, reason));
                }
            }
            pending.Clear();
        }
    }

    /// <summary>
    /// A batch that failed before COMMIT stored nothing. A failed COMMIT in WAL mode also stored nothing when SQLite
    /// could not write the log (full disk, read-only file, a lock); after any other error (an I/O error part-way,
    /// an unknown failure) the commit may have reached the log, so the outcome is unknown.
    /// </summary>
    private static Exception Failure(Exception ex, bool committing)
    {
        var reason = ex is SqliteException sqlite ? SqliteFailures.Classify(sqlite.SqliteErrorCode) : null;
        if (committing && reason is not (StoreFailure.Full or StoreFailure.ReadOnly or StoreFailure.Busy))
        {
            return new StoreOutcomeUnknownException("The SQLite commit failed part-way; the write may have been stored.", ex, reason ?? StoreFailure.IoError);
        }
        return new StoreUnavailableException("The SQLite write could not be committed.", ex, reason ?? StoreFailure.Unreachable);
    }

    // ENOSPC as .NET reports it on Unix.
    private const int DiskFullHResult = 28;

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        _whenIdle.Writer.TryComplete();
        await _loop;
        _unsynced.Writer.TryComplete();
        await _syncLoop;
        if (_wal is not null)
        {
            await _wal.DisposeAsync();
        }
        await _savepoint.DisposeAsync();
        await _release.DisposeAsync();
        await _connection.DisposeAsync();
        _queue.Dispose();
    }

    private interface IWork
    {
        bool Durable { get; }

        Task RunAsync(DbConnection connection, DbTransaction transaction);
        void Fail(Exception exception);
        void Complete();
    }

    /// <summary>A wake-up for the loop when background work is queued; nothing to run.</summary>
    private sealed class IdleWake : IWork
    {
        public static readonly IdleWake Instance = new();

        public bool Durable => false;

        public Task RunAsync(DbConnection connection, DbTransaction transaction) => Task.CompletedTask;

        public void Fail(Exception exception)
        {
        }

        public void Complete()
        {
        }
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
