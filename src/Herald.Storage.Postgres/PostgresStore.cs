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
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenSource;
    private readonly TimeProvider _time;

    /// <param name="connectionString">An Npgsql connection string (<c>Host=…;Username=…;Password=…;Database=…</c>).</param>
    public PostgresStore(string connectionString)
        : this(connectionString, TimeProvider.System)
    {
    }

    public PostgresStore(string connectionString, TimeProvider timeProvider)
    {
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true };
        pooled.ApplicationName ??= "herald";
        // The same few statements run on every message and claim: let Npgsql prepare them on each pooled connection.
        if (pooled.MaxAutoPrepare == 0)
        {
            pooled.MaxAutoPrepare = 64;
        }
        _dataSource = NpgsqlDataSource.Create(pooled.ConnectionString);
        // The listener holds its connection for hours: keep it out of the pool and probe it so a dead peer is noticed.
        var listen = new NpgsqlConnectionStringBuilder(pooled.ConnectionString) { Pooling = false };
        if (listen.KeepAlive == 0)
        {
            listen.KeepAlive = 15;
        }
        _listenSource = NpgsqlDataSource.Create(listen.ConnectionString);
        _time = timeProvider;
        StartNotifier();
    }

    protected override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    protected override string ClaimLockClause => " FOR UPDATE SKIP LOCKED";

    /// <summary>
    /// One round trip: a lateral subquery per endpoint, each locking its rows with SKIP LOCKED and reading them from
    /// ix_deliveries_endpoint_due (see PostgresSchema for why it is written with <c>next_attempt_at + 0</c>).
    /// </summary>
    protected override async Task<List<long>> SelectDuePerEndpointAsync(
        DbConnection c, DbTransaction t, IReadOnlyList<string> endpoints, long now, int perEndpoint, CancellationToken ct) =>
        (await c.QueryAsync<long>(new CommandDefinition(
            """
            SELECT d.id FROM unnest(@endpoints) AS e(endpoint_id) CROSS JOIN LATERAL (
                SELECT id FROM deliveries WHERE endpoint_id = e.endpoint_id AND status IN (1, 3) AND next_attempt_at + 0 <= @now
                ORDER BY next_attempt_at + 0 LIMIT @perEndpoint FOR UPDATE SKIP LOCKED) d
            """, new { endpoints = endpoints.ToArray(), now, perEndpoint }, t, cancellationToken: ct))).ToList();

    /// <summary>A whole batch of results in two statements, the rows passed as arrays.</summary>
    protected override async Task WriteResultRowsAsync(DbConnection c, DbTransaction t, IReadOnlyList<DeliveryResult> results, CancellationToken ct)
    {
        var attempts = results.Where(r => r.Attempt is not null).Select(r => (r.DeliveryId, Attempt: r.Attempt!)).ToList();
        if (attempts.Count > 0)
        {
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO attempts (id, delivery_id, msg_id, app_id, endpoint_id, url, status, status_code, response, duration_ms, trigger_type, request_headers, created_at)
                SELECT * FROM unnest(@ids::text[], @deliveries::bigint[], @msgs::text[], @apps::text[], @endpoints::text[], @urls::text[], @statuses::integer[],
                                     @codes::integer[], @responses::text[], @durations::bigint[], @triggers::integer[], @headers::text[], @created::bigint[])
                """, new
                {
                    ids = attempts.Select(x => x.Attempt.Id).ToArray(),
                    deliveries = attempts.Select(x => x.DeliveryId).ToArray(),
                    msgs = attempts.Select(x => x.Attempt.MsgId).ToArray(),
                    apps = attempts.Select(x => x.Attempt.AppId).ToArray(),
                    endpoints = attempts.Select(x => x.Attempt.EndpointId).ToArray(),
                    urls = attempts.Select(x => x.Attempt.Url).ToArray(),
                    statuses = attempts.Select(x => (int)x.Attempt.Status).ToArray(),
                    codes = attempts.Select(x => x.Attempt.ResponseStatusCode).ToArray(),
                    responses = attempts.Select(x => ResponseText.Clean(x.Attempt.Response)).ToArray(), // PostgreSQL's text holds no NUL
                    durations = attempts.Select(x => x.Attempt.ResponseDurationMs).ToArray(),
                    triggers = attempts.Select(x => (int)x.Attempt.TriggerType).ToArray(),
                    headers = attempts.Select(x => x.Attempt.RequestHeadersJson).ToArray(),
                    created = attempts.Select(x => x.Attempt.Timestamp.ToUnixTimeMilliseconds()).ToArray(),
                }, t, cancellationToken: ct));
        }
        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE deliveries d SET status = v.status, attempts = v.attempts, next_attempt_at = v.next, trigger_type = 0, updated_at = v.now
            FROM unnest(@ids::bigint[], @statuses::integer[], @attempts::integer[], @nexts::bigint[], @nows::bigint[]) AS v(id, status, attempts, next, now)
            WHERE d.id = v.id
            """, new
            {
                ids = results.Select(r => r.DeliveryId).ToArray(),
                statuses = results.Select(r => (int)r.NewStatus).ToArray(),
                attempts = results.Select(r => r.AttemptsMade).ToArray(),
                nexts = results.Select(r => r.NextAttemptAt?.ToUnixTimeMilliseconds()).ToArray(),
                nows = results.Select(r => r.Now.ToUnixTimeMilliseconds()).ToArray(),
            }, t, cancellationToken: ct));
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

    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            bool committing = false;
            var queued = new StrongBox<bool>();
            _queuedByWrite.Value = queued;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await write(connection, transaction);
                committing = true;
                await transaction.CommitAsync(cancellationToken);
                if (queued.Value)
                {
                    RequestNotify();
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
