namespace Herald.Receiver;

/// <summary>A verified, deduplicated webhook as a handler sees it.</summary>
public sealed record WebhookContext<TPayload>
{
    /// <summary>The <c>webhook-id</c>: stable across redeliveries, a natural idempotency key.</summary>
    public required string MessageId { get; init; }

    /// <summary>The payload's <c>type</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The signed <c>webhook-timestamp</c> of the delivery that was accepted.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>1 on the first run, then 2, 3… on retries.</summary>
    public required int Attempt { get; init; }

    /// <summary>The payload's <c>data</c>, or the whole body when it has no <c>data</c>.</summary>
    public required TPayload Payload { get; init; }

    /// <summary>The raw body exactly as signed.</summary>
    public ReadOnlyMemory<byte> RawBody { get; init; }
}
