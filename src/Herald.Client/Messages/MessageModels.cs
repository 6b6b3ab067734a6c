using System.Text.Json;

namespace Herald.Client;

/// <summary>A message to send: one event, delivered to every endpoint of the application that subscribes to it.</summary>
public sealed record MessageIn
{
    /// <summary>The event type, e.g. <c>payment.succeeded</c>; endpoints filter by it.</summary>
    public required string EventType { get; init; }

    /// <summary>Your id for the event; the server refuses a second message with the same one in an application (409).</summary>
    public string? EventId { get; init; }

    /// <summary>The JSON object delivered to the endpoints, e.g. <c>JsonSerializer.SerializeToElement(payment, MyJsonContext.Default.Payment)</c>.</summary>
    public required JsonElement Payload { get; init; }

    /// <summary>Up to 5 channels; endpoints that filter by channel get the message only when one matches.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Days the payload is kept (1-90, default 90).</summary>
    public int? PayloadRetentionPeriod { get; init; }

    /// <summary>Creates the application with these settings when the <c>appId</c> given does not exist yet.</summary>
    public ApplicationIn? Application { get; init; }

    /// <summary>Herald extension: the sequence this message joins at endpoints ordered by key (1-256 characters).</summary>
    public string? OrderingKey { get; init; }
}

/// <summary>A message as Herald stores it.</summary>
public sealed record MessageOut
{
    /// <summary>Herald's id, <c>msg_…</c>; also the <c>webhook-id</c> the endpoints receive.</summary>
    public string Id { get; init; } = "";

    /// <summary>The event type.</summary>
    public string EventType { get; init; } = "";

    /// <summary>Your id for the event, when it was given one.</summary>
    public string? EventId { get; init; }

    /// <summary>The channels it was sent on, if any.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>The payload; an empty object when it was asked for without content or has expired.</summary>
    public JsonElement Payload { get; init; }

    /// <summary>When Herald accepted it.</summary>
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>How a list of messages is read and filtered.</summary>
public sealed record MessageListOptions : ListOptions
{
    /// <summary>Only messages sent on this channel.</summary>
    public string? Channel { get; init; }

    /// <summary>Only messages of these event types.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Only messages created before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Only messages created after this time.</summary>
    public DateTimeOffset? After { get; init; }

    /// <summary>False leaves payloads out (they come as empty objects).</summary>
    public bool? WithContent { get; init; }
}

/// <summary>Where a delivery stands, numbered as in the Svix API.</summary>
public enum MessageStatus
{
    /// <summary>The endpoint answered 2xx.</summary>
    Success = 0,

    /// <summary>Waiting for its first attempt or a retry.</summary>
    Pending = 1,

    /// <summary>Given up: the retries ran out, or the endpoint is gone or disabled.</summary>
    Fail = 2,

    /// <summary>An attempt is in flight.</summary>
    Sending = 3,
}
