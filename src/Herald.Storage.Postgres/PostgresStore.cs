using System.Data.Common;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Dapper;
using Herald.Model;
using Npgsql;

namespace Herald.Storage.Postgres;

/// <summary>
/// The scale-out store: several Herald nodes share one PostgreSQL database. Claims lock rows with
/// <c>FOR UPDATE SKIP LOCKED</c>, so nodes never claim the same delivery; writes that queue deliveries send
/// <c>NOTIFY herald_deliveries</c> (see <see cref="ListenAsync(Action, CancellationToken)"/>).
/// Connections come from an Npgsql pool; each write is one plain transaction.
/// </summary>
public sealed partial class PostgresStore : RelationalStore
{
    private const int MaxConflictRetries = 3;
    // Group commit of new messages: batches in progress at once, and the most messages one transaction takes.
    private const int GroupCommitters = 4;
    private const int GroupCommitMaxBatch = 128;
    private readonly PostgresGroupCommit _messages;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenSource;
    private readonly TimeProvider _time;

    /// <param name="connectionString">An Npgsql connection string (<c>Host=…;Username=…;Password=…;Database=…</c>).</param>
    public PostgresStore(string connectionString)
        : this(connectionString, TimeProvider.System)
    {
    }

    public PostgresStore(string connectionString, TimeProvider timeProvider)
        : this(connectionString, timeProvider, null)
    {
    }

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="nodeId">
    /// This node's identity, stable across its restarts and unique among the nodes sharing the database. Claims
    /// record it; on start-up the node releases whatever is still claimed under it. Null: claims record no owner.
    /// </param>
    public PostgresStore(string connectionString, TimeProvider timeProvider, string? nodeId)
    {
        NodeId = nodeId;
        var pooled = PooledConnectionString(connectionString);
        _dataSource = NpgsqlDataSource.Create(pooled.ConnectionString);
        // The listener holds its connection for hours: keep it out of the pool and probe it so a dead peer is noticed.
        var listen = new NpgsqlConnectionStringBuilder(pooled.ConnectionString) { Pooling = false };
        if (listen.KeepAlive == 0)
        {
            listen.KeepAlive = 15;
        }
        _listenSource = NpgsqlDataSource.Create(listen.ConnectionString);
        _time = timeProvider;
        _messages = new PostgresGroupCommit(GroupCommitters, GroupCommitMaxBatch, CommitMessagesAsync);
        StartNotifier();
    }

    /// <summary>The connection string of the store's pool: the caller's, with Herald's defaults where it sets nothing.</summary>
    internal static NpgsqlConnectionStringBuilder PooledConnectionString(string connectionString)
    {
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true };
        pooled.ApplicationName ??= "herald";
        // The same few statements run on every message and claim: let Npgsql prepare them on each pooled connection.
        if (pooled.MaxAutoPrepare == 0)
        {
            pooled.MaxAutoPrepare = 64;
        }
        // Herald's statements are short and run thousands of times a second: JIT compiling one whose estimate crosses
        // jit_above_cost (claims on tables whose statistics lag) costs far more than running it. An explicit setting wins.
        if (pooled.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
        {
            pooled.Options = string.IsNullOrWhiteSpace(pooled.Options) ? "-c jit=off" : pooled.Options + " -c jit=off";
        }
        return pooled;
    }

    protected override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    /// <summary>
    /// Migrates, then makes due now what this node held when it stopped: a crashed node's in-flight work is sent
    /// again at once instead of after its lease. The token is raised so that a node wrongly sharing this identity
    /// cannot record over it. The status condition is served by the partial index on the queue. Likewise the
    /// idempotency keys its requests held in progress are freed: those requests died with the process (what they
    /// committed completed its key), and a client's retry need not wait for the claim to time out.
    /// </summary>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await base.InitializeAsync(cancellationToken);
        if (NodeId is null)
        {
            return;
        }
        await WriteAsync(async (c, t) =>
        {
            int released = await c.ExecuteAsync(new CommandDefinition(
                $"UPDATE deliveries SET status = {StoredStatus.Pending}, next_attempt_at = @now, lease_token = lease_token + 1 WHERE status = {StoredStatus.Sending} AND lease_owner = @node",
                new { now = _time.GetUtcNow().ToUnixTimeMilliseconds(), node = NodeId }, t, cancellationToken: cancellationToken));
            if (released > 0)
            {
                await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            }
            await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM idempotency WHERE status_code = 0 AND owner = @node", new { node = NodeId }, t, cancellationToken: cancellationToken));
            return released;
        }, cancellationToken);
    }

    protected override string InList(string expression, string parameter) => $"{expression} = ANY({parameter})";

    protected override string JsonArrayContains(string column, string parameter) => $"({column})::jsonb ? {parameter}";

    protected override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                return await read(connection);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnavailable(ex))
            {
                if (!ShouldRetryAfter(ex, attempt))
                {
                    throw Unavailable(ex);
                }
            }
        }
    }

    /// <summary>Dispatcher bookkeeping commits without waiting for the WAL flush; a lost result only means a resend.</summary>
    protected override Task<T> WriteBookkeepingAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using (var relaxed = connection.CreateCommand())
            {
                relaxed.Transaction = transaction;
                relaxed.CommandText = "SET LOCAL synchronous_commit = off";
                await relaxed.ExecuteNonQueryAsync(cancellationToken);
            }
            return await write(connection, transaction);
        }, cancellationToken);

    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        TransactAsync(write, cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction of its own and commits it, with the guarantees of every write
    /// (single ones and batches of new messages alike): a commit whose answer was lost is reported as
    /// <see cref="StoreOutcomeUnknownException"/> and never repeated, an unreachable server is retried once on a fresh
    /// connection, a write the server refuses for its state names the cause, a deadlock is run again. Any other
    /// failure of a statement reaches the caller as it is. A NOTIFY a write asked for is sent after its commit, and
    /// the application cache is dropped again after a commit that changed applications.
    /// </summary>
    private async Task<T> TransactAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            bool committing = false;
            var marks = new WriteMarks();
            _marks.Value = marks;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await write(connection, transaction);
                committing = true;
                await transaction.CommitAsync(cancellationToken);
                if (marks.Queued)
                {
                    RequestNotify();
                }
                if (marks.ApplicationsChanged)
                {
                    _applications.Forget();
                }
                return result;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnavailable(ex))
            {
                // A commit cut off mid-way may or may not have happened: only an uncommitted write is safe to repeat,
                // and the caller must not be told that nothing was stored.
                if (committing)
                {
                    _dataSource.Clear();
                    throw new StoreOutcomeUnknownException("The connection to PostgreSQL was lost while committing; the write may have been stored.", ex);
                }
                if (!ShouldRetryAfter(ex, attempt))
                {
                    throw Unavailable(ex);
                }
            }
            catch (PostgresException ex) when (PostgresFailures.Classify(ex) is { } reason and not StoreFailure.Unreachable)
            {
                // The server refused the write (disk full, read-only, out of memory) and rolled it back.
                throw new StoreUnavailableException($"PostgreSQL refused the write: {ex.MessageText}", ex, reason);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                               && attempt <= MaxConflictRetries)
            {
                // The server rolled the transaction back; run it again.
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }
        await _messages.DisposeAsync();
        await StopNotifierAsync();
        await _listenSource.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <summary>Whether the exception means the database could not be reached (as opposed to a rejected statement).</summary>
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException => true, // I/O errors, timeouts, an exhausted pool
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// After a server restart every idle pooled connection is dead, and Npgsql finds out only by using one: drop them
    /// all and try once more on a fresh connection. A timeout is not retried, so that a 503 is not delayed twice.
    /// </summary>
    private bool ShouldRetryAfter(Exception ex, int attempt)
    {
        if (ex is TimeoutException || ex.InnerException is TimeoutException)
        {
            return false;
        }
        _dataSource.Clear();
        return attempt == 1;
    }

    private static StoreUnavailableException Unavailable(Exception ex) =>
        new("The PostgreSQL database cannot be reached.", ex);
}
