using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Server.Api;

namespace Herald.Server.Operational;

/// <summary>Operational webhook types, as in the Svix API.</summary>
internal static class OperationalEventTypes
{
    public const string EndpointCreated = "endpoint.created";
    public const string EndpointUpdated = "endpoint.updated";
    public const string EndpointDeleted = "endpoint.deleted";
    public const string EndpointDisabled = "endpoint.disabled";
    // Herald extensions: an endpoint's circuit breaker opened (deliveries held back, probing) or closed (recovered).
    public const string BreakerOpened = "endpoint.breaker.opened";
    public const string BreakerClosed = "endpoint.breaker.closed";
    public const string AttemptFailing = "message.attempt.failing";
    public const string AttemptExhausted = "message.attempt.exhausted";
    public const string AttemptRecovered = "message.attempt.recovered";
}

internal sealed record OperationalEnvelope<T>(string Type, DateTimeOffset Timestamp, T Data);

internal sealed record EndpointEventData(string AppId, string? AppUid, string EndpointId, string? EndpointUid);

internal sealed record EndpointDisabledEventData(string AppId, string? AppUid, string EndpointId, string? EndpointUid, DateTimeOffset? FailSince);

internal sealed record EndpointBreakerEventData(
    string AppId, string? AppUid, string EndpointId, string? EndpointUid, DateTimeOffset? OpenedAt, DateTimeOffset? NextProbeAt, int ConsecutiveFailures);

internal sealed record LastAttempt(string Id, int ResponseStatusCode, DateTimeOffset Timestamp);

internal sealed record AttemptEventData(string AppId, string? AppUid, string MsgId, string? MsgEventId, string EndpointId, LastAttempt LastAttempt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(OperationalEnvelope<EndpointEventData>))]
[JsonSerializable(typeof(OperationalEnvelope<EndpointDisabledEventData>))]
[JsonSerializable(typeof(OperationalEnvelope<AttemptEventData>))]
[JsonSerializable(typeof(OperationalEnvelope<EndpointBreakerEventData>))]
internal sealed partial class OperationalJsonContext : JsonSerializerContext;
