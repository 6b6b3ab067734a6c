namespace Herald.Client;

public sealed record EndpointIn
{
    public required string Url { get; init; }
    public string? Uid { get; init; }
    public string? Description { get; init; }
    public bool Disabled { get; init; }

    /// <summary>Only these event types are sent to the endpoint; null for all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Only messages on one of these channels are sent to the endpoint; null for all.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The signing secret (<c>whsec_…</c>); generated when null. Used at creation only.</summary>
    public string? Secret { get; init; }

    /// <summary>Headers sent with every delivery (Herald extension at creation; use <see cref="EndpointsClient.UpdateHeadersAsync"/> later).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// Herald extension: <c>none</c>, or deliver one message at a time in acceptance order per <c>endpoint</c>, per first
    /// <c>channel</c> or per message <c>key</c> (<see cref="MessageIn.OrderingKey"/>). Left as it is when null.
    /// </summary>
    public string? Ordering { get; init; }

    /// <summary>Herald extension: when an ordered key's head used up its retries, <c>skip</c> it or <c>hold</c> the key. Left as it is when null.</summary>
    public string? OrderingOnExhaustion { get; init; }
}

public sealed record EndpointOut
{
    public string Id { get; init; } = "";
    public string? Uid { get; init; }
    public string Url { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Disabled { get; init; }

    /// <summary>Why Herald disabled the endpoint (e.g. it kept failing), when it did.</summary>
    public string? DisabledReason { get; init; }

    public IReadOnlyList<string>? EventTypes { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }
    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Herald extension: how the endpoint is ordered; null when it is not.</summary>
    public string? Ordering { get; init; }

    /// <summary>Herald extension: skip or hold; null when the endpoint is not ordered.</summary>
    public string? OrderingOnExhaustion { get; init; }
}

public sealed record EndpointSecretOut(string Key);

public sealed record EndpointSecretRotateIn
{
    /// <summary>The new secret (<c>whsec_…</c>); generated when null.</summary>
    public string? Key { get; init; }

    /// <summary>How long the old secret still signs beside the new one (Herald extension).</summary>
    public long? GracePeriodSeconds { get; init; }
}

public sealed record EndpointHeadersIn
{
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
}

public sealed record EndpointHeadersPatchIn
{
    /// <summary>Headers to set; a null value removes that header.</summary>
    public IReadOnlyDictionary<string, string?>? Headers { get; init; }

    /// <summary>Names of headers to remove.</summary>
    public IReadOnlyList<string>? DeleteHeaders { get; init; }
}

/// <summary>The endpoint's headers; the values of sensitive ones (e.g. <c>Authorization</c>) are withheld and only named.</summary>
public sealed record EndpointHeadersOut
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Sensitive { get; init; } = [];
}

public sealed record EndpointStatsOut(long Success, long Pending, long Fail, long Sending, long Canceled);

/// <summary>A time window of messages: from <see cref="Since"/> to <see cref="Until"/> (now when null).</summary>
public sealed record RecoverIn
{
    public required DateTimeOffset Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}

public sealed record ReplayIn
{
    public required DateTimeOffset Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}

/// <summary>A background task the server started (recover, replay).</summary>
public sealed record BackgroundTaskOut(string Id, string Status, string Task, DateTimeOffset UpdatedAt);
