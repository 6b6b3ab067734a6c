using Herald.Model;

namespace Herald.Storage.Queue;

/// <summary>A claimed delivery with everything needed to send it.</summary>
public sealed record DueDelivery
{
    public required long DeliveryId { get; init; }
    public required string MsgId { get; init; }
    public required string AppId { get; init; }
    public required string EndpointId { get; init; }
    public required int AttemptsMade { get; init; }
    public required TriggerType Trigger { get; init; }
    public required string EventType { get; init; }
    public required string Payload { get; init; }
    public required string Url { get; init; }
    public required bool EndpointDisabled { get; init; }
    public required IReadOnlyList<string> Secrets { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    /// <summary>Until when this claim is reserved; after it, another worker may claim the delivery again.</summary>
    public DateTimeOffset LeaseUntil { get; init; }
    /// <summary>
    /// The claim's generation, raised by every claim of the delivery. Results and releases carry it back and apply
    /// only while the delivery is still held under it, so a node that lost its lease cannot undo the next holder's work.
    /// </summary>
    public long LeaseToken { get; init; }
    /// <summary>
    /// The most messages per second to send to the endpoint: its own <c>throttleRate</c>, else its application's;
    /// null for no limit. Each dispatcher node enforces it on the deliveries it holds, so with several nodes the
    /// endpoint may see up to nodes × this rate.
    /// </summary>
    public int? ThrottleRate { get; init; }
    /// <summary>Whether the endpoint's circuit breaker was open when the delivery was claimed: it is sent only as the probe.</summary>
    public bool BreakerOpen { get; init; }
    /// <summary>Set by the dispatcher on the one delivery that probes an open breaker.</summary>
    public bool Probe { get; init; }
    /// <summary>
    /// The sequence of an ordered endpoint the delivery belongs to; null when the endpoint is unordered. A delivery
    /// with a key is never born claimed: it waits in the queue until every earlier one of its key has finished.
    /// </summary>
    public string? OrderingKey { get; init; }
}
