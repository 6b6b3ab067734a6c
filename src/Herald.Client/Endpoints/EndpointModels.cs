namespace Herald.Client;

/// <summary>An endpoint to create or replace: a URL that receives an application's webhooks.</summary>
public sealed record EndpointIn
{
    /// <summary>Where webhooks are POSTed; <c>https</c>, or <c>http</c> where the server allows it.</summary>
    public required string Url { get; init; }

    /// <summary>Your own id for the endpoint; calls take it in place of Herald's <c>ep_…</c> id.</summary>
    public string? Uid { get; init; }

    /// <summary>A description for people.</summary>
    public string? Description { get; init; }

    /// <summary>Create or keep it disabled: nothing is sent to it until it is enabled.</summary>
    public bool Disabled { get; init; }

    /// <summary>Only these event types are sent to the endpoint; null for all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Only messages on one of these channels are sent to the endpoint; null for all.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Messages per second sent to the endpoint; null for the application's limit or none.</summary>
    public int? ThrottleRate { get; init; }

    /// <summary>Your own key-value pairs, stored and returned as given.</summary>
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

/// <summary>An endpoint as Herald stores it.</summary>
public sealed record EndpointOut
{
    /// <summary>Herald's id, <c>ep_…</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>Your own id for it, when it was given one.</summary>
    public string? Uid { get; init; }

    /// <summary>Where webhooks are POSTed.</summary>
    public string Url { get; init; } = "";

    /// <summary>Its description; empty when none was given.</summary>
    public string Description { get; init; } = "";

    /// <summary>Whether nothing is sent to it (disabled by a person, or by Herald after failing too long).</summary>
    public bool Disabled { get; init; }

    /// <summary>Why Herald disabled the endpoint (e.g. it kept failing), when it did.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>The event types it subscribes to; null for all.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>The channels it subscribes to; null for all.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Messages per second sent to it; null for the application's limit or none.</summary>
    public int? ThrottleRate { get; init; }

    /// <summary>Your key-value pairs; empty when none were given.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Herald extension: how the endpoint is ordered; null when it is not.</summary>
    public string? Ordering { get; init; }

    /// <summary>Herald extension: skip or hold; null when the endpoint is not ordered.</summary>
    public string? OrderingOnExhaustion { get; init; }
}

/// <summary>An endpoint's current signing key.</summary>
/// <param name="Key">The <c>whsec_…</c> secret, or the <c>whpk_…</c> public key of an ed25519 endpoint, for the receiver's configuration.</param>
public sealed record EndpointSecretOut(string Key);

/// <summary>A secret rotation: the new secret signs from now on, the old one beside it during the grace period.</summary>
public sealed record EndpointSecretRotateIn
{
    /// <summary>The new secret (<c>whsec_…</c>); generated when null.</summary>
    public string? Key { get; init; }

    /// <summary>How long the old secret still signs beside the new one (Herald extension).</summary>
    public long? GracePeriodSeconds { get; init; }
}

/// <summary>The complete set of headers sent with every delivery to an endpoint, replacing the previous set.</summary>
public sealed record EndpointHeadersIn
{
    /// <summary>Header names and values.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
}

/// <summary>Changes to an endpoint's headers; headers not named are kept.</summary>
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
    /// <summary>The headers whose values may be shown.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The names of the headers whose values are withheld.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];
}

/// <summary>How many of an endpoint's deliveries stand where.</summary>
/// <param name="Success">Delivered.</param>
/// <param name="Pending">Waiting for an attempt or a retry.</param>
/// <param name="Fail">Given up.</param>
/// <param name="Sending">In flight.</param>
/// <param name="Canceled">Kept for Svix compatibility; Herald cancels no delivery, so it is 0.</param>
public sealed record EndpointStatsOut(long Success, long Pending, long Fail, long Sending, long Canceled);

/// <summary>A time window of messages: from <see cref="Since"/> to <see cref="Until"/> (now when null).</summary>
public sealed record RecoverIn
{
    /// <summary>The window's start.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>The window's end; now when null.</summary>
    public DateTimeOffset? Until { get; init; }
}

/// <summary>A time window for replaying the messages that never reached an endpoint.</summary>
public sealed record ReplayIn
{
    /// <summary>The window's start.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>The window's end; now when null.</summary>
    public DateTimeOffset? Until { get; init; }
}

/// <summary>A background task the server started (recover, replay).</summary>
/// <param name="Id">The task's id, <c>qtask_…</c>.</param>
/// <param name="Status">Where the task stands; <c>running</c> when it has just been started.</param>
/// <param name="Task">What the task does, e.g. <c>endpoint.recover</c> or <c>endpoint.replay</c>.</param>
/// <param name="UpdatedAt">When the status last changed.</param>
public sealed record BackgroundTaskOut(string Id, string Status, string Task, DateTimeOffset UpdatedAt);
