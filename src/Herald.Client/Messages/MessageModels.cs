using System.Text.Json;

namespace Herald.Client;

public sealed record MessageIn
{
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

public sealed record MessageOut
{
    public string Id { get; init; } = "";
    public string EventType { get; init; } = "";
    public string? EventId { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>The payload; an empty object when it was asked for without content or has expired.</summary>
    public JsonElement Payload { get; init; }

    public DateTimeOffset Timestamp { get; init; }
}

public sealed record MessageListOptions : ListOptions
{
    public string? Channel { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public DateTimeOffset? Before { get; init; }
    public DateTimeOffset? After { get; init; }

    /// <summary>False leaves payloads out (they come as empty objects).</summary>
    public bool? WithContent { get; init; }
}

/// <summary>Where a delivery stands, numbered as in the Svix API.</summary>
public enum MessageStatus
{
    Success = 0,
    Pending = 1,
    Fail = 2,
    Sending = 3,
}
