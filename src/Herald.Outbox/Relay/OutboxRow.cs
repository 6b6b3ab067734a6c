namespace Herald.Outbox.Relay;

/// <summary>A row still to send, as the relay reads it.</summary>
internal sealed class OutboxRow
{
    public const string Columns =
        "id AS Id, app_id AS AppId, event_type AS EventType, event_id AS EventId, payload AS Payload, idempotency_key AS IdempotencyKey, created_at AS CreatedAt, attempts AS Attempts, next_attempt_at AS NextAttemptAt";

    public long Id { get; set; }
    public string AppId { get; set; } = "";
    public string EventType { get; set; } = "";
    public string? EventId { get; set; }
    public string Payload { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public long CreatedAt { get; set; }
    public int Attempts { get; set; }
    public long NextAttemptAt { get; set; }
}
