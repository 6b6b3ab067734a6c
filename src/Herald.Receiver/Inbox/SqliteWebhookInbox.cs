using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Receiver.Inbox;

/// <summary>The default inbox: one SQLite file in WAL mode. Times are stored as Unix milliseconds.</summary>
internal sealed partial class SqliteWebhookInbox : IWebhookInbox, IDisposable
{
    private const string Columns = "id, event_type, timestamp, body, status, attempts, last_error, received_at, next_attempt_at, processed_at";

    private readonly string _connectionString;
    private readonly string _table;
    private readonly TimeProvider _time;

    public SqliteWebhookInbox(string connectionString, string table, TimeProvider time)
    {
        _connectionString = connectionString;
        _table = table;
        _time = time;
        EnsureDirectory(connectionString);
    }

    public async Task<bool> TryAddAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        long now = NowMs();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {_table} (id, event_type, timestamp, body, status, attempts, received_at, next_attempt_at)
            VALUES ($id, $type, $ts, $body, 'pending', 0, $now, $now)
            ON CONFLICT (id) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$id", message.Id);
        command.Parameters.AddWithValue("$type", (object?)message.EventType ?? DBNull.Value);
        command.Parameters.AddWithValue("$ts", message.Timestamp.ToUnixTimeSeconds());
        command.Parameters.Add("$body", SqliteType.Blob).Value = message.Body.ToArray();
        command.Parameters.AddWithValue("$now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        long now = NowMs();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {_table}
            SET status = 'processing', attempts = attempts + 1, locked_until = $lockedUntil
            WHERE id IN (
                SELECT id FROM {_table}
                WHERE (status = 'pending' AND next_attempt_at <= $now)
                   OR (status = 'processing' AND locked_until <= $now)
                ORDER BY next_attempt_at
                LIMIT $max)
            RETURNING {Columns};
            """;
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$lockedUntil", now + (long)lease.TotalMilliseconds);
        command.Parameters.AddWithValue("$max", maxCount);
        var claimed = await ReadEntriesAsync(command, cancellationToken);
        // RETURNING gives no order guarantee; hand out oldest first.
        claimed.Sort((a, b) => a.NextAttemptAt.CompareTo(b.NextAttemptAt));
        return claimed;
    }

    public async Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT MIN(due) FROM (
                SELECT MIN(next_attempt_at) AS due FROM {_table} WHERE status = 'pending'
                UNION ALL
                SELECT MIN(locked_until) FROM {_table} WHERE status = 'processing');
            """;
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public async Task MarkProcessedAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {_table} SET status = 'processed', processed_at = $now, locked_until = NULL
            WHERE id = $id AND status = 'processing';
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", NowMs());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFailedAsync(string id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {_table}
            SET status = $status, last_error = $error, next_attempt_at = COALESCE($retryAt, next_attempt_at), locked_until = NULL
            WHERE id = $id AND status = 'processing';
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$status", retryAt is null ? InboxStatusNames.Failed : InboxStatusNames.Pending);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$retryAt", (object?)retryAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<InboxEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM {_table} WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        var entries = await ReadEntriesAsync(command, cancellationToken);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<IReadOnlyList<InboxEntry>> ListAsync(InboxStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM {_table}
            WHERE $status IS NULL OR status = $status
            ORDER BY received_at DESC, id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$status", status is { } s ? InboxStatusNames.ToName(s) : (object)DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<bool> RequeueAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {_table}
            SET status = 'pending', attempts = 0, next_attempt_at = $now, locked_until = NULL, processed_at = NULL
            WHERE id = $id AND status <> 'processing';
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", NowMs());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _initLock.Dispose();
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static Task<List<InboxEntry>> ReadEntriesAsync(SqliteCommand command, CancellationToken cancellationToken) =>
        InboxRows.ReadAllAsync(command, Read, cancellationToken);

    private static InboxEntry Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        EventType = reader.IsDBNull(1) ? null : reader.GetString(1),
        Timestamp = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)),
        Body = (byte[])reader.GetValue(3),
        Status = InboxStatusNames.Parse(reader.GetString(4)),
        Attempts = reader.GetInt32(5),
        LastError = reader.IsDBNull(6) ? null : reader.GetString(6),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        ProcessedAt = reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
    };
}
