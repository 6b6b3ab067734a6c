namespace Herald.Outbox;

/// <summary>
/// A row of <c>herald_outbox</c> as EF Core sees it: added by <c>context.HeraldOutbox().Enqueue(...)</c> and saved
/// by the same <c>SaveChanges</c> as the business entities. The relay owns it after that.
/// </summary>
public sealed class HeraldOutboxMessage
{
    /// <summary>The row's id, given by the database; the relay sends rows of one application in this order.</summary>
    public long Id { get; internal set; }

    /// <summary>The Herald application, by id (<c>app_…</c>) or uid.</summary>
    public string AppId { get; internal set; } = "";

    /// <summary>The event type, e.g. <c>order.paid</c>.</summary>
    public string EventType { get; internal set; } = "";

    /// <summary>The message's <c>eventId</c> in Herald; the relay uses <see cref="IdempotencyKey"/> when it is null.</summary>
    public string? EventId { get; internal set; }

    /// <summary>The payload as JSON text.</summary>
    public string Payload { get; internal set; } = "";

    /// <summary>A random key sent as <c>Idempotency-Key</c>, so that a row sent twice (a relay crash) makes one message.</summary>
    public string IdempotencyKey { get; internal set; } = "";

    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; internal set; }

    /// <summary>Sends tried so far.</summary>
    public int Attempts { get; internal set; }

    /// <summary>When the relay tries again after a failed send, Unix milliseconds; 0 until the first failure.</summary>
    public long NextAttemptAt { get; internal set; }

    /// <summary>Why the last send failed; cleared when a send succeeds.</summary>
    public string? LastError { get; internal set; }

    /// <summary>When Herald accepted the message, Unix milliseconds; null while it waits.</summary>
    public long? SentAt { get; internal set; }

    /// <summary>When the relay gave up on the row, Unix milliseconds; <see cref="LastError"/> says why.</summary>
    public long? FailedAt { get; internal set; }

    /// <summary>Herald's id of the message (<c>msg_…</c>) once sent.</summary>
    public string? MessageId { get; internal set; }
}
