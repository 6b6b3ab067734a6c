using Herald.Breakers;
using Herald.Model;

namespace Herald.Storage;

/// <summary>Cursor pagination: items after <see cref="Iterator"/> in the chosen order.</summary>
public sealed record PageRequest(int Limit, string? Iterator = null, bool Descending = false);

public sealed record Page<T>(IReadOnlyList<T> Data, string? Iterator, string? PrevIterator, bool Done);

public sealed record MessageQuery
{
    public required PageRequest Page { get; init; }
    public string? Channel { get; init; }
    public DateTimeOffset? Before { get; init; }
    public DateTimeOffset? After { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public DeliveryStatus? Status { get; init; }
    public bool WithContent { get; init; } = true;
}

public sealed record AttemptQuery
{
    public required PageRequest Page { get; init; }
    public string? MsgId { get; init; }
    public string? EndpointId { get; init; }
    public DeliveryStatus? Status { get; init; }
    /// <summary>0 for no response, or 100, 200, … 500 for that class of status code.</summary>
    public int? StatusCodeClass { get; init; }
    public string? Channel { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public DateTimeOffset? Before { get; init; }
    public DateTimeOffset? After { get; init; }
    public bool WithContent { get; init; } = true;
}

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

public enum EndpointHealth
{
    /// <summary>The attempt succeeded: the endpoint's failure run ends.</summary>
    Succeeded,
    /// <summary>The attempt failed: the failure run starts or goes on; disabled once it is older than the limit.</summary>
    Failed,
    /// <summary>410 Gone: disable at once.</summary>
    Gone,
    /// <summary>No request was made (endpoint disabled): leave the endpoint as it is.</summary>
    Untouched,
}

/// <summary>The outcome of one attempt, to be written with its delivery's new state.</summary>
public sealed record DeliveryResult
{
    public required long DeliveryId { get; init; }
    /// <summary>
    /// The <see cref="DueDelivery.LeaseToken"/> the attempt was made under. When the delivery has been claimed again
    /// since (the lease ran out), the attempt is still recorded but the delivery's state is left to its new holder.
    /// </summary>
    public required long LeaseToken { get; init; }
    public required Attempt? Attempt { get; init; }
    /// <summary>Success, Pending (retry at <see cref="NextAttemptAt"/>) or Fail.</summary>
    public required DeliveryStatus NewStatus { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public required int AttemptsMade { get; init; }
    public required EndpointHealth Health { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>An endpoint whose failure run started before this time is disabled.</summary>
    public required DateTimeOffset DisableIfFailingSince { get; init; }
    /// <summary>The circuit breaker to apply to the endpoint's failure run; null leaves the breaker alone.</summary>
    public BreakerPolicy? Breaker { get; init; }
    /// <summary>Whether the attempt was the probe of an open breaker (its failure lengthens the wait for the next).</summary>
    public bool Probe { get; init; }
    /// <summary>Whether the delivery belongs to an ordered sequence: when it finishes, the next of its key becomes due.</summary>
    public bool Ordered { get; init; }
}

/// <summary>
/// What storing a batch of results did to endpoints: those it disabled, and the breakers of the endpoints in the
/// batch that are open or that the batch closed.
/// </summary>
public sealed record RecordedResults(IReadOnlyList<string> Disabled, IReadOnlyList<BreakerUpdate> Breakers)
{
    public static readonly RecordedResults None = new([], []);
}

public sealed record StoredResponse(string RequestHash, int StatusCode, string Body, DateTimeOffset CreatedAt);

public sealed class DuplicateException(string message) : Exception(message);

/// <summary>The database cannot take the request now; nothing was stored. <see cref="Reason"/> says why.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null, StoreFailure reason = StoreFailure.Unreachable) : Exception(message, inner)
{
    public StoreFailure Reason => reason;
}

/// <summary>
/// A write whose commit was started but whose outcome is unknown (the connection was lost during COMMIT, or the
/// disk failed after it began): it may have been stored. Repeating it is only safe when it is idempotent.
/// </summary>
public sealed class StoreOutcomeUnknownException(string message, Exception? inner = null, StoreFailure reason = StoreFailure.Unreachable) : Exception(message, inner)
{
    public StoreFailure Reason => reason;
}

/// <summary>Why the store cannot take writes.</summary>
public enum StoreFailure
{
    /// <summary>The database cannot be reached (down, network, connections exhausted, timeouts).</summary>
    Unreachable,
    /// <summary>The disk or the database's size limit is full.</summary>
    Full,
    /// <summary>The database or its file is read-only.</summary>
    ReadOnly,
    /// <summary>The database is busy (locked) or out of memory; it may pass.</summary>
    Busy,
    /// <summary>The disk failed to read or write.</summary>
    IoError,
}
