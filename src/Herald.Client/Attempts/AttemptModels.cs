using System.Text.Json;

namespace Herald.Client;

public enum AttemptTrigger
{
    Scheduled = 0,
    Manual = 1,
}

/// <summary>One delivery attempt of a message to an endpoint.</summary>
public sealed record MessageAttemptOut
{
    public string Id { get; init; } = "";
    public string MsgId { get; init; } = "";
    public string EndpointId { get; init; } = "";
    public string Url { get; init; } = "";

    /// <summary>The start of the receiver's answer body.</summary>
    public string Response { get; init; } = "";

    /// <summary>The receiver's HTTP status; 0 when there was none (connection failed, timed out).</summary>
    public int ResponseStatusCode { get; init; }

    public long ResponseDurationMs { get; init; }
    public MessageStatus Status { get; init; }
    public string StatusText { get; init; } = "";
    public AttemptTrigger TriggerType { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>An endpoint a message was meant for, with where its delivery stands.</summary>
public sealed record MessageEndpointOut
{
    public string Id { get; init; } = "";
    public string? Uid { get; init; }
    public string Url { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Disabled { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }
    public int? ThrottleRate { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public MessageStatus Status { get; init; }
    public string StatusText { get; init; } = "";
    public DateTimeOffset? NextAttempt { get; init; }
}

/// <summary>A message sent to one endpoint, with where its delivery stands.</summary>
public sealed record EndpointMessageOut
{
    public string Id { get; init; } = "";
    public string EventType { get; init; } = "";
    public string? EventId { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }
    public JsonElement Payload { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public MessageStatus Status { get; init; }
    public string StatusText { get; init; } = "";
    public DateTimeOffset? NextAttempt { get; init; }
}

public sealed record AttemptListOptions : ListOptions
{
    public MessageStatus? Status { get; init; }

    /// <summary>0 (no answer), 100, 200, 300, 400 or 500.</summary>
    public int? StatusCodeClass { get; init; }

    public string? Channel { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public DateTimeOffset? Before { get; init; }
    public DateTimeOffset? After { get; init; }
    public bool? WithContent { get; init; }

    /// <summary>Listing by message: only attempts to this endpoint.</summary>
    public string? EndpointId { get; init; }
}
