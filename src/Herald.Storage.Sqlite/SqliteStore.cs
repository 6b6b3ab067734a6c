using System.Data.Common;
using Herald.Model;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Reads use pooled connections; every write goes through
/// one <see cref="GroupCommitWriter"/>, which commits the writes of concurrent callers together.
/// </summary>
public sealed class SqliteStore : RelationalStore, IClusterLock, ILocalDatabaseFile
{
    private readonly string _connectionString;
    private readonly GroupCommitWriter _writer;
    private readonly Dictionary<string, IReadOnlyList<Endpoint>> _fanOut = new(StringComparer.Ordinal);
    private readonly ApplicationCache _applications = new();
    private int _applicationsChangedInBatch;
    private readonly TimeProvider _time;

    /// <param name="connectionString">An SQLite connection string (<c>Data Source=herald.db</c>) or a bare file path.</param>
    /// <param name="synchronousFull">
    /// True (the default): an acknowledged write has reached the disk and survives a power cut. False: it survives a killed
    /// process but a power cut may lose the last moments.
    /// </param>
    /// <param name="timeProvider">The clock (the system's by default).</param>
    /// <param name="maxSizeBytes">
    /// A cap on the database file (SQLite's max_page_count): writes that would grow it further fail with "storage is
    /// full" and readiness reports it. Null: no cap but the disk's.
    /// </param>
    public SqliteStore(string connectionString, bool synchronousFull = true, TimeProvider? timeProvider = null, long? maxSizeBytes = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        var builder = new SqliteConnectionStringBuilder(connectionString.Contains('=', StringComparison.Ordinal) ? connectionString : $"Data Source={connectionString}")
        {
            Pooling = true,
            DefaultTimeout = 30,
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        _connectionString = builder.ToString();
        _maxSizeBytes = maxSizeBytes;
        _writer = OpenWriter(synchronousFull);
    }

    // Readiness wants this much room below the size cap: less, and the next burst of messages fails.
    private const long MinFreePages = 32;
    private readonly long? _maxSizeBytes;

    public string DataSource => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    protected override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    /// <summary>One process owns the file, so there is no other node to keep out: the work runs inline.</summary>
    public async Task<bool> TryRunExclusiveAsync(long lockKey, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await work(cancellationToken);
        return true;
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await base.InitializeAsync(cancellationToken);
        // One process owns the file, so anything still marked sending was in flight when it last stopped: due now,
        // not when its lease would have run out.
        await WriteAsync((c, t) => Dapper.SqlMapper.ExecuteAsync(c,
            $"UPDATE deliveries SET status = {StoredStatus.Pending}, next_attempt_at = @now, lease_token = lease_token + 1 WHERE status = {StoredStatus.Sending}",
            new { now = _time.GetUtcNow().ToUnixTimeMilliseconds() }, t), cancellationToken);
        // Likewise an idempotency key still in progress was claimed by a request that died with the process: its
        // message, had it been stored, would have completed the key in the same transaction. Retries may use it at once.
        await WriteAsync((c, t) => Dapper.SqlMapper.ExecuteAsync(c, "DELETE FROM idempotency WHERE status_code = 0", transaction: t), cancellationToken);
    }

    /// <summary>The probe write, then the room left below the size cap (a rewritten row needs no new page, a message does).</summary>
    public override Task ProbeWriteAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await ProbeAsync(c, t, now, cancellationToken);
            long Pragma(string name)
            {
                using var command = c.CreateCommand();
                command.Transaction = t;
                command.CommandText = "PRAGMA " + name;
                return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            long used = Pragma("page_count") - Pragma("freelist_count");
            if (Pragma("max_page_count") - used < MinFreePages)
            {
                throw new StoreUnavailableException("The SQLite database has reached its size limit.", null, StoreFailure.Full);
            }
            return 0;
        }, cancellationToken);

    protected override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = OpenConnection();
        return await read(connection);
    }

    /// <summary>A PRAGMA's value as the writer connection sees it, read in a write of its own.</summary>
    internal Task<string?> WriterPragmaAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await using var command = c.CreateCommand();
            command.Transaction = t;
            command.CommandText = "PRAGMA " + name;
            return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        ForgetOnFailure(_writer.EnqueueAsync(write, durable: true, cancellationToken));

    /// <summary>
    /// Every write, deletes included, runs on the one writer (<see cref="GroupCommitWriter"/>): a delete batch holds
    /// ingest for as long as it takes, so it stays short.
    /// </summary>
    public override TimeSpan RetentionBatchTime => TimeSpan.FromMilliseconds(2);

    protected override Task<T> WriteBookkeepingAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        ForgetOnFailure(_writer.EnqueueAsync(write, durable: false, cancellationToken));

    protected override Task<T> WriteInBackgroundAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        ForgetOnFailure(_writer.EnqueueWhenIdleAsync(write));

    // One process owns the file and every write runs on the writer, so the endpoints a message fans out to can be
    // kept in memory between writes that change them.
    protected override async Task<IReadOnlyList<Endpoint>> FanOutCandidatesAsync(DbConnection c, DbTransaction t, string appId, CancellationToken cancellationToken)
    {
        lock (_fanOut)
        {
            if (_fanOut.TryGetValue(appId, out var cached))
            {
                return cached;
            }
        }
        var endpoints = await QueryFanOutCandidatesAsync(c, t, appId, null, cancellationToken);
        lock (_fanOut)
        {
            if (_fanOut.Count > 10_000)
            {
                _fanOut.Clear();
            }
            _fanOut[appId] = endpoints;
        }
        return endpoints;
    }

    protected override void EndpointsChanged()
    {
        lock (_fanOut)
        {
            _fanOut.Clear();
        }
    }

    /// <summary>One process owns the file: applications are cached until a write here changes them.</summary>
    internal override ApplicationCache Applications => _applications;

    // Dropped when the write runs and again after its batch commits (see ApplicationCache).
    protected override void ApplicationsChanged()
    {
        _applications.Forget();
        Volatile.Write(ref _applicationsChangedInBatch, 1);
    }

    private void AfterCommit()
    {
        if (Interlocked.Exchange(ref _applicationsChangedInBatch, 0) == 1)
        {
            _applications.Forget();
        }
    }

    /// <summary>A failed write may have been rolled back after it filled the cache from uncommitted rows.</summary>
    private async Task<T> ForgetOnFailure<T>(Task<T> write)
    {
        try
        {
            return await write;
        }
        catch (SqliteException ex) when (SqliteFailures.Classify(ex) is { } reason)
        {
            // A write of the batch failed on its own (its savepoint rolled back): nothing of it was stored.
            EndpointsChanged();
            throw new StoreUnavailableException("The SQLite write failed.", ex, reason);
        }
        catch
        {
            EndpointsChanged();
            throw;
        }
    }

    protected override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    protected override string JsonArrayContains(string column, string parameter) =>
        $"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {parameter})";

    public override async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }
        await _writer.DisposeAsync();
        ReleasePreparedStatements();
    }

    /// <summary>Readers need no set-up: WAL is a property of the file, and busy waits follow DefaultTimeout.</summary>
    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private GroupCommitWriter OpenWriter(bool synchronousFull)
    {
        var connection = OpenConnection();
        using var pragma = connection.CreateCommand();
        // Only a new, empty file can take it (an existing one keeps its mode): pages that retention frees can then
        // also be handed back to the disk with PRAGMA incremental_vacuum. Either way SQLite reuses free pages.
        pragma.CommandText = "SELECT COUNT(*) FROM sqlite_master";
        if (Convert.ToInt64(pragma.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            pragma.CommandText = "PRAGMA auto_vacuum = INCREMENTAL";
            pragma.ExecuteNonQuery();
        }
        pragma.CommandText = "PRAGMA journal_mode = WAL";
        bool wal = string.Equals(pragma.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
        // In WAL mode commits do not wait for the disk (NORMAL); the writer syncs the WAL itself for durable writes.
        // A database that cannot use WAL (in memory) keeps SQLite's own FULL commits.
        // temp_store = MEMORY also keeps the statement journal of each write's savepoint in memory: on a file it was
        // written page by page (two write calls a page) for every page a write touched first in its savepoint.
        pragma.CommandText = $"PRAGMA synchronous = {(wal || !synchronousFull ? "NORMAL" : "FULL")}; PRAGMA busy_timeout = 30000; PRAGMA wal_autocheckpoint = 4000; PRAGMA temp_store = MEMORY;";
        pragma.ExecuteNonQuery();
        if (_maxSizeBytes is { } max)
        {
            pragma.CommandText = "PRAGMA page_size";
            long pageSize = Convert.ToInt64(pragma.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            pragma.CommandText = $"PRAGMA max_page_count = {Math.Max(1, max / pageSize)}";
            pragma.ExecuteNonQuery();
        }
        KeepStatementsPrepared(connection);
        return new GroupCommitWriter(connection, durable: synchronousFull && wal, AfterCommit);
    }
}
