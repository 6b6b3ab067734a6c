namespace Herald.Receiver;

/// <summary>Where a stored webhook is in its processing; stored as a word (<c>pending</c>, …) in the inbox table.</summary>
public enum InboxStatus
{
    /// <summary>Waiting for its handler, now or at its next attempt time.</summary>
    Pending = 0,

    /// <summary>Claimed by a worker whose handler runs until its lease expires.</summary>
    Processing = 1,

    /// <summary>Its handler succeeded, or no handler exists for its event type.</summary>
    Processed = 2,

    /// <summary>Given up: the handler failed every attempt or rejected the payload. Requeue it to run again.</summary>
    Failed = 3,
}

/// <summary>A verified webhook on its way into the inbox.</summary>
/// <param name="Id">The <c>webhook-id</c>, the idempotency key.</param>
/// <param name="EventType">The payload's <c>type</c>, when it has one.</param>
/// <param name="Timestamp">The signed <c>webhook-timestamp</c>.</param>
/// <param name="Body">The raw request body, exactly as signed.</param>
public sealed record InboxMessage(string Id, string? EventType, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Body);

/// <summary>A stored webhook and its processing state.</summary>
public sealed record InboxEntry
{
    /// <summary>The <c>webhook-id</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The payload's <c>type</c>, when it has one.</summary>
    public string? EventType { get; init; }

    /// <summary>The signed <c>webhook-timestamp</c>.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The raw request body, exactly as signed.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Where the message is in its processing.</summary>
    public required InboxStatus Status { get; init; }

    /// <summary>Handler attempts started so far (a claim counts as one).</summary>
    public required int Attempts { get; init; }

    /// <summary>The exception type and message of the last failed attempt, cut to 2,000 characters.</summary>
    public string? LastError { get; init; }

    /// <summary>When the receiver stored it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When a pending message is due, or when a processing message's lease expires.</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>When its handler succeeded; null until then.</summary>
    public DateTimeOffset? ProcessedAt { get; init; }
}
