namespace Herald.Receiver;

public enum InboxStatus
{
    Pending = 0,
    Processing = 1,
    Processed = 2,
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
    public required string Id { get; init; }
    public string? EventType { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required ReadOnlyMemory<byte> Body { get; init; }
    public required InboxStatus Status { get; init; }

    /// <summary>Handler attempts started so far (a claim counts as one).</summary>
    public required int Attempts { get; init; }

    public string? LastError { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
}
