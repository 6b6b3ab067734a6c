using System.Text.Json.Serialization;
using Herald.Model;

namespace Herald.Server.Api;

public sealed record EndpointIn
{
    public string? Url { get; init; }
    public string? Uid { get; init; }
    public string? Description { get; init; }
    public bool Disabled { get; init; }
    public List<string>? EventTypes { get; init; }
    public List<string>? Channels { get; init; }
    public int? ThrottleRate { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public string? Secret { get; init; }
    /// <summary>
    /// Herald extension: the kind of secret generated when <see cref="Secret"/> is null, <c>hmac-sha256</c> (a
    /// <c>whsec_</c> secret, the default) or <c>ed25519</c> (a <c>whsk_</c> key pair signing <c>v1a</c>).
    /// </summary>
    public string? KeyType { get; init; }
    /// <summary>Herald extension: custom headers at creation.</summary>
    public Dictionary<string, string>? Headers { get; init; }
    /// <summary>
    /// Herald extension: <c>none</c> (the default), or deliver one message at a time in acceptance order per
    /// <c>endpoint</c>, per first <c>channel</c> or per message <c>key</c> (see docs/ordering.md). Left as it is when absent.
    /// </summary>
    public string? Ordering { get; init; }
    /// <summary>Herald extension: when an ordered key's head has used up its retries, <c>skip</c> it (the default) or <c>hold</c> the key.</summary>
    public string? OrderingOnExhaustion { get; init; }
    /// <summary>Legacy name of <see cref="EventTypes"/>, still sent by Svix SDKs of the 1.x line; eventTypes wins when both are given.</summary>
    public List<string>? FilterTypes { get; init; }
    /// <summary>Legacy name of <see cref="ThrottleRate"/>, still sent by Svix SDKs of the 1.x line; throttleRate wins when both are given.</summary>
    public int? RateLimit { get; init; }

    /// <summary>The input with the legacy names folded into the canonical ones.</summary>
    internal EndpointIn Canonical() =>
        this with { EventTypes = EventTypes ?? FilterTypes, ThrottleRate = ThrottleRate ?? RateLimit, FilterTypes = null, RateLimit = null };
}

public sealed record EndpointOut(
    string Id, string? Uid, string Url, string Description, bool Disabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisabledReason,
    IReadOnlyList<string>? EventTypes, IReadOnlyList<string>? Channels, int? ThrottleRate,
    IReadOnlyDictionary<string, string> Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Herald extension: the circuit breaker, present while it is open or counts failures.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EndpointBreakerOut? Breaker { get; init; }
    /// <summary>Herald extension: the ordering mode, present when the endpoint is ordered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ordering { get; init; }
    /// <summary>Herald extension: skip or hold, present when the endpoint is ordered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrderingOnExhaustion { get; init; }
}

/// <summary>Herald extension: an ordered endpoint's key that is not moving, and why (see docs/ordering.md).</summary>
public sealed record OrderingBlockOut(
    string Key, string MsgId, string Status, int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? NextAttempt,
    long Waiting,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastResponse);

public sealed record OrderingSkipIn
{
    /// <summary>The key whose held head to give up on; every held key of the endpoint when absent.</summary>
    public string? Key { get; init; }
}

public sealed record OrderingSkipOut(int Skipped);

public sealed record OrderingBlocksOut(IReadOnlyList<OrderingBlockOut> Data);

/// <summary>An endpoint's circuit breaker: "open" or "closed", failed attempts in a row, and while open since when and the next probe.</summary>
public sealed record EndpointBreakerOut(
    string State, int ConsecutiveFailures,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? OpenedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? NextProbeAt);

/// <summary>What a receiver verifies with: the <c>whsec_</c> secret, or the <c>whpk_</c> public key of an ed25519 endpoint.</summary>
public sealed record EndpointSecretOut(string Key);

public sealed record EndpointSecretRotateIn
{
    /// <summary>A <c>whsec_</c> secret or a <c>whsk_</c> ed25519 key pair; generated when null.</summary>
    public string? Key { get; init; }
    /// <summary>
    /// Herald extension: the kind generated when <see cref="Key"/> is null, <c>hmac-sha256</c> or <c>ed25519</c>;
    /// the endpoint's current kind when null as well.
    /// </summary>
    public string? KeyType { get; init; }
    public long? GracePeriodSeconds { get; init; }
}

public sealed record EndpointHeadersIn
{
    public Dictionary<string, string>? Headers { get; init; }
}

public sealed record EndpointHeadersPatchIn
{
    /// <summary>Headers to set; a null value removes that header.</summary>
    public Dictionary<string, string?>? Headers { get; init; }
    /// <summary>Names of headers to remove (applied after <see cref="Headers"/>).</summary>
    public List<string>? DeleteHeaders { get; init; }
}

public sealed record EndpointHeadersOut(IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> Sensitive);

public sealed record EndpointStatsOut(long Success, long Pending, long Fail, long Sending, long Canceled);

public sealed record RecoverIn
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}

public sealed record RecoverOut(string Id, string Status, string Task, DateTimeOffset UpdatedAt);

public sealed record ReplayIn
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}

public sealed record ReplayOut(string Id, string Status, string Task, DateTimeOffset UpdatedAt);

public sealed record EventExampleIn
{
    public string? EventType { get; init; }
}

public sealed record MessageEndpointOut(
    string Id, string? Uid, string Url, string Description, bool Disabled, IReadOnlyList<string>? EventTypes,
    IReadOnlyList<string>? Channels, int? ThrottleRate, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DeliveryStatus Status, string StatusText, DateTimeOffset? NextAttempt);
