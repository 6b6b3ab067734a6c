using System.Data;
using System.Data.Common;

namespace Herald.Receiver.Inbox;

public abstract partial class RelationalWebhookInbox
{
    /// <inheritdoc />
    public async Task<bool> TryAddAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO {Table} (id, event_type, timestamp, body, status, attempts, received_at, next_attempt_at)
            VALUES (@id, @type, @ts, @body, 'pending', 0, @now, @now)
            ON CONFLICT (id) DO NOTHING;
            """);
        Add(command, "@id", DbType.String, message.Id);
        Add(command, "@type", DbType.String, message.EventType);
        Add(command, "@ts", DbType.Int64, message.Timestamp.ToUnixTimeSeconds());
        Add(command, "@body", DbType.Binary, message.Body.ToArray());
        AddTime(command, "@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, ClaimDueSql);
        AddTime(command, "@now", now);
        AddTime(command, "@lockedUntil", now + lease);
        Add(command, "@max", DbType.Int32, maxCount);
        var claimed = await ReadEntriesAsync(command, cancellationToken);
        // RETURNING gives no order guarantee; hand out oldest first.
        claimed.Sort((a, b) => a.NextAttemptAt.CompareTo(b.NextAttemptAt));
        return claimed;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, NextDueSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken) ? ReadTime(reader, 0) : null;
    }

    /// <inheritdoc />
    public async Task MarkProcessedAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            UPDATE {Table} SET status = 'processed', processed_at = @now, locked_until = NULL
            WHERE id = @id AND status = 'processing';
            """);
        Add(command, "@id", DbType.String, id);
        AddTime(command, "@now", Time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task MarkFailedAsync(string id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            UPDATE {Table}
            SET status = @status, last_error = @error, next_attempt_at = COALESCE(@retryAt, next_attempt_at), locked_until = NULL
            WHERE id = @id AND status = 'processing';
            """);
        Add(command, "@id", DbType.String, id);
        Add(command, "@status", DbType.String, retryAt is null ? InboxStatusNames.Failed : InboxStatusNames.Pending);
        Add(command, "@error", DbType.String, error);
        AddTime(command, "@retryAt", retryAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<InboxEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {Columns} FROM {Table} WHERE id = @id;");
        Add(command, "@id", DbType.String, id);
        var entries = await ReadEntriesAsync(command, cancellationToken);
        return entries.Count == 0 ? null : entries[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InboxEntry>> ListAsync(InboxStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {Columns} FROM {Table}
            WHERE @status IS NULL OR status = @status
            ORDER BY received_at DESC, id
            LIMIT @limit;
            """);
        Add(command, "@status", DbType.String, status is { } s ? InboxStatusNames.ToName(s) : null);
        Add(command, "@limit", DbType.Int32, limit);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> RequeueAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            UPDATE {Table}
            SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL, processed_at = NULL
            WHERE id = @id AND status <> 'processing';
            """);
        Add(command, "@id", DbType.String, id);
        AddTime(command, "@now", Time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>A command on <paramref name="connection"/>.</summary>
    protected static DbCommand Command(DbConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Adds a typed parameter; null becomes SQL NULL of that type.</summary>
    protected static void Add(DbCommand command, string name, DbType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Adds a time parameter as the database stores times.</summary>
    protected void AddTime(DbCommand command, string name, DateTimeOffset? time) =>
        Add(command, name, TimeType, time is { } t ? ToDatabaseTime(t) : null);

    private Task<List<InboxEntry>> ReadEntriesAsync(DbCommand command, CancellationToken cancellationToken) =>
        InboxRows.ReadAllAsync(command, ReadEntry, cancellationToken);

    /// <summary>One row of <see cref="Columns"/>.</summary>
    private InboxEntry ReadEntry(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        EventType = reader.IsDBNull(1) ? null : reader.GetString(1),
        Timestamp = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)),
        Body = reader.GetFieldValue<byte[]>(3),
        Status = InboxStatusNames.Parse(reader.GetString(4)),
        Attempts = reader.GetInt32(5),
        LastError = reader.IsDBNull(6) ? null : reader.GetString(6),
        ReceivedAt = ReadTime(reader, 7),
        NextAttemptAt = ReadTime(reader, 8),
        ProcessedAt = reader.IsDBNull(9) ? null : ReadTime(reader, 9),
    };
}
