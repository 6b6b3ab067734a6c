using Herald.Breakers;
using Herald.Model;

namespace Herald.Storage;

// Column-shaped rows read by Dapper and turned into domain records. Times are Unix milliseconds.
#pragma warning disable CA1812
internal static class Time
{
    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
    public static long? Ms(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds();
    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    public static DateTimeOffset? At(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}

internal sealed class AppRow
{
    public string id { get; set; } = "";
    public string? uid { get; set; }
    public string name { get; set; } = "";
    public long? throttle_rate { get; set; }
    public string metadata { get; set; } = "{}";
    public long created_at { get; set; }
    public long updated_at { get; set; }

    public Application ToModel() => new()
    {
        Id = id, Uid = uid, Name = name, ThrottleRate = (int?)throttle_rate, Metadata = StoreJson.ReadMap(metadata),
        CreatedAt = Time.At(created_at), UpdatedAt = Time.At(updated_at),
    };
}

internal sealed class EventTypeRow
{
    public string name { get; set; } = "";
    public string description { get; set; } = "";
    public long archived { get; set; }
    public long deprecated { get; set; }
    public string? feature_flag { get; set; }
    public string? schemas { get; set; }
    public long created_at { get; set; }
    public long updated_at { get; set; }

    public EventType ToModel() => new()
    {
        Name = name, Description = description, Archived = archived != 0, Deprecated = deprecated != 0,
        FeatureFlag = feature_flag, SchemasJson = schemas, CreatedAt = Time.At(created_at), UpdatedAt = Time.At(updated_at),
    };
}

internal sealed class EndpointRow
{
    public string id { get; set; } = "";
    public string app_id { get; set; } = "";
    public string? uid { get; set; }
    public string url { get; set; } = "";
    public string description { get; set; } = "";
    public long disabled { get; set; }
    public string? disabled_reason { get; set; }
    public string? event_types { get; set; }
    public string? channels { get; set; }
    public long? throttle_rate { get; set; }
    public string metadata { get; set; } = "{}";
    public string headers { get; set; } = "{}";
    public string secret { get; set; } = "";
    public string retired_secrets { get; set; } = "[]";
    public long? failing_since { get; set; }
    public long created_at { get; set; }
    public long updated_at { get; set; }
    public long breaker_state { get; set; }
    public long breaker_failures { get; set; }
    public long? breaker_opened_at { get; set; }
    public long? breaker_probe_at { get; set; }
    public long breaker_probes { get; set; }
    public long ordering { get; set; }
    public long ordering_on_exhaustion { get; set; }
    // Present when listing a message's destinations, or creating a message's deliveries.
    public long delivery_id { get; set; }
    public long delivery_status { get; set; }
    public long? next_attempt_at { get; set; }
    public string? delivery_ordering_key { get; set; }

    public Endpoint ToModel() => new()
    {
        Id = id, AppId = app_id, Uid = uid, Url = url, Description = description, Disabled = disabled != 0,
        DisabledReason = disabled_reason, EventTypes = StoreJson.ReadList(event_types), Channels = StoreJson.ReadList(channels),
        ThrottleRate = (int?)throttle_rate, Metadata = StoreJson.ReadMap(metadata), Headers = StoreJson.ReadMap(headers),
        Secret = secret, RetiredSecrets = StoreJson.ReadSecrets(retired_secrets), FailingSince = Time.At(failing_since),
        CreatedAt = Time.At(created_at), UpdatedAt = Time.At(updated_at), Breaker = Breaker(),
        Ordering = (OrderingMode)ordering, OrderingOnExhaustion = (OrderingOnExhaustion)ordering_on_exhaustion,
    };

    private EndpointBreaker Breaker() => breaker_state == 0 && breaker_failures == 0
        ? EndpointBreaker.Closed
        : new EndpointBreaker
        {
            Open = breaker_state != 0, ConsecutiveFailures = (int)breaker_failures, OpenedAt = Time.At(breaker_opened_at),
            NextProbeAt = Time.At(breaker_probe_at), FailedProbes = (int)breaker_probes,
        };
}

internal sealed class MessageRow
{
    public string id { get; set; } = "";
    public string app_id { get; set; } = "";
    public string event_type { get; set; } = "";
    public string? event_id { get; set; }
    public string? channels { get; set; }
    public string? payload { get; set; }
    public long created_at { get; set; }
    // Present when listing a message's state at one endpoint.
    public long status { get; set; }
    public long? next_attempt_at { get; set; }

    public Message ToModel() => new()
    {
        Id = id, AppId = app_id, EventType = event_type, EventId = event_id, Channels = StoreJson.ReadList(channels),
        Payload = payload, CreatedAt = Time.At(created_at),
    };
}

internal sealed class AttemptRow
{
    public string id { get; set; } = "";
    public string msg_id { get; set; } = "";
    public string app_id { get; set; } = "";
    public string endpoint_id { get; set; } = "";
    public string url { get; set; } = "";
    public long status { get; set; }
    public long status_code { get; set; }
    public string response { get; set; } = "";
    public long duration_ms { get; set; }
    public long trigger_type { get; set; }
    public string? request_headers { get; set; }
    public long created_at { get; set; }

    public Attempt ToModel() => new()
    {
        Id = id, MsgId = msg_id, AppId = app_id, EndpointId = endpoint_id, Url = url, Status = (DeliveryStatus)status,
        ResponseStatusCode = (int)status_code, Response = response, ResponseDurationMs = duration_ms,
        TriggerType = (TriggerType)trigger_type, RequestHeadersJson = request_headers, Timestamp = Time.At(created_at),
    };
}

/// <summary>A claimed delivery's message: what its request carries.</summary>
internal sealed record ClaimedMessage(string id, string event_type, string? payload);

internal sealed class DueRow
{
    public long id { get; set; }
    public string msg_id { get; set; } = "";
    public string app_id { get; set; } = "";
    public string endpoint_id { get; set; } = "";
    public long attempts { get; set; }
    public long lease_token { get; set; }
    public long trigger_type { get; set; }
    public string url { get; set; } = "";
    public long disabled { get; set; }
    public string secret { get; set; } = "";
    public string retired_secrets { get; set; } = "[]";
    public string headers { get; set; } = "{}";
    public long? throttle_rate { get; set; }
    public long breaker_state { get; set; }
    public string? ordering_key { get; set; }

    // The message's columns: joined, or filled in after the claim (see RelationalStore.ClaimReadsMessagesApart).
    public string? event_type { get; set; }
    public string? payload { get; set; }
}

/// <summary>An endpoint's health and breaker columns, read and rewritten together when results are stored.</summary>
internal sealed class HealthRow
{
    public long disabled { get; set; }
    public long? failing_since { get; set; }
    public long breaker_state { get; set; }
    public long breaker_failures { get; set; }
    public long? breaker_opened_at { get; set; }
    public long? breaker_probe_at { get; set; }
    public long breaker_probes { get; set; }
}
#pragma warning restore CA1812
