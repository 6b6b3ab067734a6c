using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// The SQL shared by the relational stores. A provider supplies connections, the write path (group commit on
/// SQLite, plain transactions on PostgreSQL), its schema migrations, and the claim query.
/// </summary>
public abstract partial class RelationalStore : IHeraldStore
{
    /// <summary>This store's statements, kept prepared on the connection <see cref="KeepStatementsPrepared"/> names.</summary>
    private readonly PreparedStatements _statements = new();

    /// <summary>This node's identity, recorded with every claim so that a restarted node can find its own leases; null records none.</summary>
    protected string? NodeId { get; init; }

    /// <summary>Runs a read on a pooled connection.</summary>
    protected abstract Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>Runs a write inside a transaction; durable when the task completes.</summary>
    protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken);

    /// <summary>
    /// The dispatcher's own bookkeeping (claims, results, releases). Losing the last of these to a power cut only
    /// means a delivery is sent again, so a store may commit them without waiting for the disk; every write the
    /// API acknowledges goes through <see cref="WriteAsync{T}"/> and is fully durable.
    /// </summary>
    protected virtual Task<T> WriteBookkeepingAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        WriteAsync(write, cancellationToken);

    /// <summary>
    /// Background upkeep (retention's deletes): a bookkeeping write that may wait until nothing else is being
    /// written, where writes queue for one writer.
    /// </summary>
    protected virtual Task<T> WriteInBackgroundAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync(write, cancellationToken);

    /// <summary>Versioned schema scripts, applied in order.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>Whether an exception is a unique-key violation.</summary>
    protected abstract bool IsUniqueViolation(Exception exception);

    public abstract ValueTask DisposeAsync();

    private int _disposing;

    /// <summary>
    /// True the first time only: the host registers this one instance under each of its roles, and the container
    /// disposes what every registration returned, so the store is asked to dispose more than once.
    /// </summary>
    protected bool BeginDispose() => Interlocked.Exchange(ref _disposing, 1) == 0;

    /// <summary>SQL true when <paramref name="expression"/> is one of the list parameter's values (Dapper passes arrays natively to Npgsql).</summary>
    protected virtual string InList(string expression, string parameter) => $"{expression} IN {parameter}";

    /// <summary>Runs first in the migration transaction; PostgreSQL serializes concurrently starting nodes here.</summary>
    protected virtual Task BeforeMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs in a write transaction that made deliveries due; PostgreSQL sends NOTIFY here.</summary>
    protected virtual Task AfterDeliveriesQueuedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, t) =>
        {
            await BeforeMigrationsAsync(c, t, cancellationToken);
            await c.ExecuteAsync(new CommandDefinition("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", transaction: t, cancellationToken: cancellationToken));
            long current = await c.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(version) FROM schema_version", transaction: t, cancellationToken: cancellationToken)) ?? 0;
            for (int v = (int)current; v < Migrations.Count; v++)
            {
                await c.ExecuteAsync(new CommandDefinition(Migrations[v], transaction: t, cancellationToken: cancellationToken));
                await c.ExecuteAsync(new CommandDefinition("INSERT INTO schema_version (version) VALUES (@v)", new { v = v + 1 }, t, cancellationToken: cancellationToken));
            }
            return 0;
        }, cancellationToken);
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)), cancellationToken);

    public virtual Task ProbeWriteAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync((c, t) => ProbeAsync(c, t, now, cancellationToken), cancellationToken);

    /// <summary>The readiness write: one small row of the settings table, rewritten.</summary>
    protected static Task<int> ProbeAsync(DbConnection c, DbTransaction t, DateTimeOffset now, CancellationToken cancellationToken) =>
        c.ExecuteAsync(Cmd(
            "INSERT INTO settings (key, value) VALUES ('health.write-probe', @now) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            new { now = Time.Ms(now).ToString(System.Globalization.CultureInfo.InvariantCulture) }, t, cancellationToken));

    /// <summary>Turns unique-key violations into <see cref="DuplicateException"/>.</summary>
    protected async Task<T> WriteUniqueAsync<T>(string conflictMessage, Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(write, cancellationToken);
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            throw new DuplicateException(conflictMessage);
        }
    }

    /// <summary>
    /// Keeps the statements this store prepares on <paramref name="connection"/> (inserts of messages, deliveries
    /// and attempts) prepared between writes. Only for a long-lived connection that runs one write at a time.
    /// </summary>
    protected void KeepStatementsPrepared(DbConnection connection) => _statements.KeepOn(connection);

    /// <summary>Releases what <see cref="KeepStatementsPrepared"/> kept, before the connection closes.</summary>
    protected void ReleasePreparedStatements() => _statements.Dispose();

    protected static CommandDefinition Cmd(string sql, object? args, DbTransaction? t, CancellationToken ct) =>
        new(sql, args, t, cancellationToken: ct);

    /// <summary>Runs a keyset-paginated query: <paramref name="sql"/> has {0} for the cursor condition and {1} for the order.</summary>
    protected static async Task<Page<T>> PageAsync<TRow, T>(
        DbConnection c, string sql, string key, DynamicParameters args, PageRequest page, Func<TRow, T> map, Func<T, string> keyOf, CancellationToken ct)
    {
        // An iterator starting with '-' (a page's prevIterator) asks for the page before that item, in the same order.
        bool backward = page.Iterator is ['-', ..];
        string? from = backward ? page.Iterator![1..] : page.Iterator;
        bool descending = page.Descending != backward; // walk the other way, then turn the page round
        string cursor = from is null ? "1=1" : descending ? $"{key} < @iterator" : $"{key} > @iterator";
        string order = descending ? $"{key} DESC" : $"{key} ASC";
        args.Add("iterator", from);
        args.Add("take", page.Limit + 1);
        var rows = (await c.QueryAsync<TRow>(Cmd(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, cursor, order) + " LIMIT @take", args, null, ct))).ToList();
        bool done = rows.Count <= page.Limit;
        var data = rows.Take(page.Limit).Select(map).ToList();
        if (backward)
        {
            data.Reverse();
        }
        if (data.Count == 0)
        {
            // Nothing in that direction: the way forward and the way back both start where the caller stands.
            return new Page<T>(data, from, from is null ? null : "-" + from, done);
        }
        return new Page<T>(data, keyOf(data[^1]), "-" + keyOf(data[0]), done);
    }
}
