using System.Data;
using System.Data.Common;

namespace Herald.Receiver.Inbox;

/// <summary>
/// The inbox on a SQL database, shared by the SQLite and PostgreSQL inboxes: one table, keyed by <c>webhook-id</c>,
/// the same statements where the dialects agree. A provider opens connections, creates the table and says how it stores
/// times and claims work; everything else is here, held to the same behaviour by one compliance suite.
/// </summary>
/// <remarks>
/// Statements use <c>@name</c> parameters, which both Microsoft.Data.Sqlite and Npgsql accept. The table name is checked
/// to be a plain identifier before it is put into any statement.
/// </remarks>
public abstract partial class RelationalWebhookInbox : IWebhookInbox, IAsyncDisposable, IDisposable
{
    /// <summary>The columns every read returns, in the order <see cref="ReadEntry"/> expects.</summary>
    protected const string Columns = "id, event_type, timestamp, body, status, attempts, last_error, received_at, next_attempt_at, processed_at";

    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;
    private int _disposed;

    /// <param name="tableName">A plain identifier: letters, digits and underscores.</param>
    /// <param name="time">The clock for received, due and lease times.</param>
    protected RelationalWebhookInbox(string tableName, TimeProvider time)
    {
        if (!HeraldReceiverOptionsValidator.IsTableName(tableName))
        {
            throw new ArgumentException("The inbox table name must be a plain identifier (letters, digits, underscores).", nameof(tableName));
        }
        ArgumentNullException.ThrowIfNull(time);
        Table = tableName;
        Time = time;
    }

    /// <summary>The inbox table, safe to put into statements.</summary>
    protected string Table { get; }

    /// <summary>The clock for received, due and lease times.</summary>
    protected TimeProvider Time { get; }

    /// <summary>An open connection, with whatever settings each session needs.</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates the table and its indexes if they do not exist; runs once, before the first statement.</summary>
    protected abstract Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Claims due work: an <c>UPDATE … RETURNING {Columns}</c> taking up to <c>@max</c> rows that are pending with
    /// <c>next_attempt_at &lt;= @now</c> or processing with <c>locked_until &lt;= @now</c>, oldest first, setting them
    /// processing until <c>@lockedUntil</c> and counting an attempt.
    /// </summary>
    protected abstract string ClaimDueSql { get; }

    /// <summary>One value: the earliest pending <c>next_attempt_at</c> or processing <c>locked_until</c>, NULL when there is none.</summary>
    protected abstract string NextDueSql { get; }

    /// <summary>How the database's time columns are typed.</summary>
    protected abstract DbType TimeType { get; }

    /// <summary>A time as the database stores it.</summary>
    protected abstract object ToDatabaseTime(DateTimeOffset time);

    /// <summary>A stored time, read from a non-null column.</summary>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>An open connection; the schema is created on the first one.</summary>
    protected async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        if (_initialized)
        {
            return connection;
        }
        try
        {
            await _initLock.WaitAsync(cancellationToken);
            try
            {
                if (!_initialized)
                {
                    await CreateSchemaAsync(connection, cancellationToken);
                    _initialized = true;
                }
            }
            finally
            {
                _initLock.Release();
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Releases what the provider holds (<see cref="DisposeAsyncCore"/>); later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await DisposeAsyncCore();
            _initLock.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the provider holds (<see cref="DisposeCore"/>); later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            DisposeCore();
            _initLock.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the provider holds (a pool, an owned data source); runs once.</summary>
    protected virtual ValueTask DisposeAsyncCore()
    {
        DisposeCore();
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases what the provider holds; runs once.</summary>
    protected virtual void DisposeCore()
    {
    }
}
