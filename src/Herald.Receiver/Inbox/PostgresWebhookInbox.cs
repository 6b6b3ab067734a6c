using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Herald.Receiver.Inbox;

/// <summary>The scale-out inbox: several receiver instances share one PostgreSQL table and claim with SKIP LOCKED.</summary>
internal sealed partial class PostgresWebhookInbox : IWebhookInbox, IAsyncDisposable, IDisposable
{
    private const string Columns = "id, event_type, timestamp, body, status, attempts, last_error, received_at, next_attempt_at, processed_at";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly TimeProvider _time;

    public PostgresWebhookInbox(string connectionString, string table, TimeProvider time)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _table = table;
        _time = time;
    }

    public async Task<bool> TryAddAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {_table} (id, event_type, timestamp, body, status, attempts, received_at, next_attempt_at)
            VALUES (@id, @type, @ts, @body, 'pending', 0, @now, @now)
            ON CONFLICT (id) DO NOTHING;
            """, connection);
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = (object?)message.EventType ?? DBNull.Value });
        command.Parameters.AddWithValue("ts", message.Timestamp.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("body", message.Body.ToArray());
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {_table}
            SET status = 'processing', attempts = attempts + 1, locked_until = @lockedUntil
            WHERE id IN (
                SELECT id FROM {_table}
                WHERE (status = 'pending' AND next_attempt_at <= @now)
                   OR (status = 'processing' AND locked_until <= @now)
                ORDER BY next_attempt_at
                LIMIT @max
                FOR UPDATE SKIP LOCKED)
            RETURNING {Columns};
            """, connection);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lockedUntil", now + lease);
        command.Parameters.AddWithValue("max", maxCount);
        var claimed = await ReadEntriesAsync(command, cancellationToken);
        claimed.Sort((a, b) => a.NextAttemptAt.CompareTo(b.NextAttemptAt));
        return claimed;
    }

    public async Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT LEAST(
                (SELECT MIN(next_attempt_at) FROM {_table} WHERE status = 'pending'),
                (SELECT MIN(locked_until) FROM {_table} WHERE status = 'processing'));
            """, connection);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DateTime utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }

    public async Task MarkProcessedAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {_table} SET status = 'processed', processed_at = @now, locked_until = NULL
            WHERE id = @id AND status = 'processing';
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", _time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFailedAsync(string id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {_table}
            SET status = @status, last_error = @error, next_attempt_at = COALESCE(@retryAt, next_attempt_at), locked_until = NULL
            WHERE id = @id AND status = 'processing';
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("status", retryAt is null ? InboxStatusNames.Failed : InboxStatusNames.Pending);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.Add(new NpgsqlParameter("retryAt", NpgsqlDbType.TimestampTz) { Value = (object?)retryAt ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<InboxEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM {_table} WHERE id = @id;", connection);
        command.Parameters.AddWithValue("id", id);
        var entries = await ReadEntriesAsync(command, cancellationToken);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<IReadOnlyList<InboxEntry>> ListAsync(InboxStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM {_table}
            WHERE @status::text IS NULL OR status = @status::text
            ORDER BY received_at DESC, id
            LIMIT @limit;
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text)
        {
            Value = status is { } s ? InboxStatusNames.ToName(s) : DBNull.Value,
        });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<bool> RequeueAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {_table}
            SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL, processed_at = NULL
            WHERE id = @id AND status <> 'processing';
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", _time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public ValueTask DisposeAsync()
    {
        _initLock.Dispose();
        return _dataSource.DisposeAsync();
    }

    public void Dispose()
    {
        _initLock.Dispose();
        _dataSource.Dispose();
    }

    private static Task<List<InboxEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        InboxRows.ReadAllAsync(command, Read, cancellationToken);

    private static InboxEntry Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        EventType = reader.IsDBNull(1) ? null : reader.GetString(1),
        Timestamp = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)),
        Body = reader.GetFieldValue<byte[]>(3),
        Status = InboxStatusNames.Parse(reader.GetString(4)),
        Attempts = reader.GetInt32(5),
        LastError = reader.IsDBNull(6) ? null : reader.GetString(6),
        ReceivedAt = reader.GetFieldValue<DateTimeOffset>(7),
        NextAttemptAt = reader.GetFieldValue<DateTimeOffset>(8),
        ProcessedAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
    };
}
