using System.Text.Json;
using Herald.Model;

namespace Herald.Server.Api;

public sealed record MessageIn
{
    public string? EventType { get; init; }
    public string? EventId { get; init; }
    public JsonElement Payload { get; init; }
    public List<string>? Channels { get; init; }
    public int? PayloadRetentionPeriod { get; init; }
    public ApplicationIn? Application { get; init; }
    /// <summary>Herald extension: the sequence this message joins at endpoints ordered by key (see docs/ordering.md).</summary>
    public string? OrderingKey { get; init; }
}

public sealed record MessageOut(
    string Id, string EventType, string? EventId, IReadOnlyList<string>? Channels, JsonElement Payload, DateTimeOffset Timestamp);

public sealed record EndpointMessageOut(
    string Id, string EventType, string? EventId, IReadOnlyList<string>? Channels, JsonElement Payload, DateTimeOffset Timestamp,
    DeliveryStatus Status, string StatusText, DateTimeOffset? NextAttempt);

public sealed record MessageAttemptOut(
    string Id, string MsgId, string EndpointId, string Url, string Response, int ResponseStatusCode, long ResponseDurationMs,
    DeliveryStatus Status, string StatusText, TriggerType TriggerType, DateTimeOffset Timestamp);
