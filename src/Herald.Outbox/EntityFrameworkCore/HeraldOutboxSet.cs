using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.EntityFrameworkCore;

namespace Herald.Outbox;

/// <summary>Adds outbox rows to a <see cref="DbContext"/>; they are written by its next <c>SaveChanges</c>, in its transaction.</summary>
public sealed class HeraldOutboxSet
{
    private readonly DbContext _context;
    private readonly TimeProvider _time;

    internal HeraldOutboxSet(DbContext context, TimeProvider time)
    {
        _context = context;
        _time = time;
    }

    /// <summary>
    /// Adds a message for <paramref name="appId"/> to the context. Nothing is written until <c>SaveChanges</c>,
    /// which writes it with the other changes or not at all. See <see cref="HeraldOutbox.EnqueueAsync(System.Data.Common.DbTransaction, string, string, JsonElement, string?, CancellationToken)"/>
    /// for <paramref name="eventId"/>.
    /// </summary>
    public HeraldOutboxMessage Enqueue(string appId, string eventType, JsonElement payload, string? eventId = null)
    {
        var entry = OutboxEntry.Create(appId, eventType, payload, eventId, _time.GetUtcNow());
        var message = new HeraldOutboxMessage
        {
            AppId = entry.AppId,
            EventType = entry.EventType,
            EventId = entry.EventId,
            Payload = entry.Payload,
            IdempotencyKey = entry.IdempotencyKey,
            CreatedAt = entry.CreatedAt,
        };
        _context.Set<HeraldOutboxMessage>().Add(message);
        return message;
    }

    /// <summary>
    /// Adds a message whose payload is <paramref name="payload"/> serialized with <paramref name="typeInfo"/>
    /// (source-generated, trimming-safe); otherwise as <see cref="Enqueue(string, string, JsonElement, string?)"/>.
    /// </summary>
    public HeraldOutboxMessage Enqueue<T>(string appId, string eventType, T payload, JsonTypeInfo<T> typeInfo, string? eventId = null) =>
        Enqueue(appId, eventType, JsonSerializer.SerializeToElement(payload, typeInfo), eventId);
}
