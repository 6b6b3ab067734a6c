using System.Text.Json;

namespace Herald.Client;

/// <summary>What started a delivery attempt.</summary>
public enum AttemptTrigger
{
    /// <summary>The dispatcher: the first attempt or a scheduled retry.</summary>
    Scheduled = 0,

    /// <summary>A person or API call: a resend, recover or replay.</summary>
    Manual = 1,
}

/// <summary>One delivery attempt of a message to an endpoint.</summary>
public sealed record MessageAttemptOut
{
    /// <summary>The attempt's id, <c>atmpt_…</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The message's id, <c>msg_…</c>.</summary>
    public string MsgId { get; init; } = "";

    /// <summary>The endpoint's id, <c>ep_…</c>.</summary>
    public string EndpointId { get; init; } = "";

    /// <summary>The URL the attempt was sent to (the endpoint's URL at that time).</summary>
    public string Url { get; init; } = "";

    /// <summary>The start of the receiver's answer body.</summary>
    public string Response { get; init; } = "";

    /// <summary>The receiver's HTTP status; 0 when there was none (connection failed, timed out).</summary>
    public int ResponseStatusCode { get; init; }

    /// <summary>How long the request took, in milliseconds.</summary>
    public long ResponseDurationMs { get; init; }

    /// <summary><see cref="MessageStatus.Success"/> or <see cref="MessageStatus.Fail"/>, for this attempt alone.</summary>
    public MessageStatus Status { get; init; }

    /// <summary><see cref="Status"/> as a word: <c>success</c>, <c>fail</c>, ….</summary>
    public string StatusText { get; init; } = "";

    /// <summary>What started the attempt.</summary>
    public AttemptTrigger TriggerType { get; init; }

    /// <summary>When the attempt was made.</summary>
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>An endpoint a message was meant for, with where its delivery stands.</summary>
public sealed record MessageEndpointOut
{
    /// <summary>The endpoint's id, <c>ep_…</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>Your own id for the endpoint, when it was given one.</summary>
    public string? Uid { get; init; }

    /// <summary>Where the endpoint receives webhooks.</summary>
    public string Url { get; init; } = "";

    /// <summary>The endpoint's description; empty when none was given.</summary>
    public string Description { get; init; } = "";

    /// <summary>Whether the endpoint is disabled (by a person or after failing too long).</summary>
    public bool Disabled { get; init; }

    /// <summary>The event types the endpoint subscribes to; null for all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>The channels the endpoint subscribes to; null for all.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Messages per second sent to the endpoint; null for the application's limit or none.</summary>
    public int? ThrottleRate { get; init; }

    /// <summary>When the endpoint was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the endpoint was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Where the message's delivery to this endpoint stands.</summary>
    public MessageStatus Status { get; init; }

    /// <summary><see cref="Status"/> as a word: <c>success</c>, <c>pending</c>, <c>fail</c> or <c>sending</c>.</summary>
    public string StatusText { get; init; } = "";

    /// <summary>When the next retry is due; null when none is scheduled.</summary>
    public DateTimeOffset? NextAttempt { get; init; }
}

/// <summary>A message sent to one endpoint, with where its delivery stands.</summary>
public sealed record EndpointMessageOut
{
    /// <summary>The message's id, <c>msg_…</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The message's event type.</summary>
    public string EventType { get; init; } = "";

    /// <summary>Your id for the event, when it was given one.</summary>
    public string? EventId { get; init; }

    /// <summary>The channels it was sent on, if any.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>The payload; an empty object when it was asked for without content or has expired.</summary>
    public JsonElement Payload { get; init; }

    /// <summary>When Herald accepted the message.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Where its delivery to this endpoint stands.</summary>
    public MessageStatus Status { get; init; }

    /// <summary><see cref="Status"/> as a word: <c>success</c>, <c>pending</c>, <c>fail</c> or <c>sending</c>.</summary>
    public string StatusText { get; init; } = "";

    /// <summary>When the next retry is due; null when none is scheduled.</summary>
    public DateTimeOffset? NextAttempt { get; init; }
}

/// <summary>How a list of attempts (or of an endpoint's messages) is read and filtered.</summary>
public sealed record AttemptListOptions : ListOptions
{
    /// <summary>Only those with this status.</summary>
    public MessageStatus? Status { get; init; }

    /// <summary>0 (no answer), 100, 200, 300, 400 or 500.</summary>
    public int? StatusCodeClass { get; init; }

    /// <summary>Only messages sent on this channel.</summary>
    public string? Channel { get; init; }

    /// <summary>Only messages of these event types.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Only those before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Only those after this time.</summary>
    public DateTimeOffset? After { get; init; }

    /// <summary>False leaves response bodies and payloads out.</summary>
    public bool? WithContent { get; init; }

    /// <summary>Listing by message: only attempts to this endpoint.</summary>
    public string? EndpointId { get; init; }
}
