using System.Text.Json;
using System.Text.RegularExpressions;

namespace Herald.Outbox;

/// <summary>A checked outbox row before it is written: what the relay will send and the key it sends it under.</summary>
internal sealed partial record OutboxEntry(string AppId, string EventType, string? EventId, string Payload, string IdempotencyKey, long CreatedAt)
{
    private const int MaxNameLength = 256;

    /// <summary>
    /// Checks what Herald would refuse, so that a bad event fails the producer's own transaction instead of
    /// waiting in the outbox to be rejected. The idempotency key is new and random: ids alone repeat across
    /// databases and tables, and the key must not match another producer's row.
    /// </summary>
    public static OutboxEntry Create(string appId, string eventType, JsonElement payload, string? eventId, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(appId) || appId.Length > MaxNameLength || appId.Any(char.IsControl))
        {
            throw new ArgumentException($"The application id must be 1 to {MaxNameLength} characters without control characters.", nameof(appId));
        }
        CheckName(eventType, nameof(eventType));
        if (eventId is not null)
        {
            CheckName(eventId, nameof(eventId));
        }
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The payload must be a JSON object.", nameof(payload));
        }
        return new OutboxEntry(appId, eventType, eventId, payload.GetRawText(), "hob_" + Guid.NewGuid().ToString("N"), now.ToUnixTimeMilliseconds());
    }

    private static void CheckName(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxNameLength || !NamePattern().IsMatch(value))
        {
            throw new ArgumentException($"{name} must be 1 to {MaxNameLength} letters, digits, '-', '_' or '.'.", name);
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex NamePattern();
}
