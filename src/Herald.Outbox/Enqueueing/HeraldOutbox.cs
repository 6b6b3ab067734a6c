using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Outbox;

/// <summary>
/// Writes webhooks into the producer's own transaction (ADO.NET on SQLite or PostgreSQL). The row commits or rolls
/// back with the business write beside it; the relay sends it to Herald only once it has committed.
/// </summary>
public sealed class HeraldOutbox
{
    private const string InsertSql =
        """
        INSERT INTO herald_outbox (app_id, event_type, event_id, payload, idempotency_key, created_at, attempts, next_attempt_at)
        VALUES (@app, @type, @event, @payload, @key, @created, 0, 0)
        RETURNING id
        """;

    private readonly TimeProvider _time;

    /// <summary>An outbox that stamps rows with <paramref name="timeProvider"/>'s time.</summary>
    public HeraldOutbox(TimeProvider timeProvider) => _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    /// <summary>An outbox that stamps rows with the system clock.</summary>
    public HeraldOutbox()
        : this(TimeProvider.System)
    {
    }

    /// <summary>
    /// Adds a message for <paramref name="appId"/> (Herald's id or your uid) to the outbox, inside
    /// <paramref name="transaction"/>. <paramref name="eventId"/> is the message's <c>eventId</c> in Herald, which
    /// refuses a second message with it; when null, the row's idempotency key is used, so that even a resend
    /// after the server forgot the key cannot make a second message.
    /// </summary>
    /// <returns>The row's id; rows of one application are sent in the order of their ids.</returns>
    public async Task<long> EnqueueAsync(DbTransaction transaction, string appId, string eventType, JsonElement payload, string? eventId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection;
        OutboxProviders.Of(connection);
        var entry = OutboxEntry.Create(appId, eventType, payload, eventId, _time.GetUtcNow());
        await using var command = connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        Add(command, "@app", entry.AppId);
        Add(command, "@type", entry.EventType);
        Add(command, "@event", entry.EventId);
        Add(command, "@payload", entry.Payload);
        Add(command, "@key", entry.IdempotencyKey);
        Add(command, "@created", entry.CreatedAt);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>As the other overload, serialising <paramref name="payload"/> with a source-generated <paramref name="typeInfo"/>.</summary>
    public Task<long> EnqueueAsync<T>(DbTransaction transaction, string appId, string eventType, T payload, JsonTypeInfo<T> typeInfo, string? eventId = null, CancellationToken cancellationToken = default) =>
        EnqueueAsync(transaction, appId, eventType, JsonSerializer.SerializeToElement(payload, typeInfo), eventId, cancellationToken);

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
