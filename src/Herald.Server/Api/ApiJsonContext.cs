using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Api;

// Nulls are written, as the Svix server writes its nullable fields (iterator, uid, eventId, channels, throttleRate…):
// Svix's SDKs require some of those keys to be present. Herald-only fields opt out with [JsonIgnore(WhenWritingNull)].
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(ApplicationIn))]
[JsonSerializable(typeof(ApplicationOut))]
[JsonSerializable(typeof(ListResponse<ApplicationOut>))]
[JsonSerializable(typeof(EventTypeIn))]
[JsonSerializable(typeof(EventTypeOut))]
[JsonSerializable(typeof(ListResponse<EventTypeOut>))]
[JsonSerializable(typeof(EndpointIn))]
[JsonSerializable(typeof(EndpointOut))]
[JsonSerializable(typeof(ListResponse<EndpointOut>))]
[JsonSerializable(typeof(EndpointSecretOut))]
[JsonSerializable(typeof(EndpointSecretRotateIn))]
[JsonSerializable(typeof(EndpointHeadersIn))]
[JsonSerializable(typeof(EndpointHeadersPatchIn))]
[JsonSerializable(typeof(EndpointHeadersOut))]
[JsonSerializable(typeof(EndpointStatsOut))]
[JsonSerializable(typeof(OrderingBlocksOut))]
[JsonSerializable(typeof(OrderingSkipIn))]
[JsonSerializable(typeof(OrderingSkipOut))]
[JsonSerializable(typeof(RecoverIn))]
[JsonSerializable(typeof(RecoverOut))]
[JsonSerializable(typeof(ReplayIn))]
[JsonSerializable(typeof(ReplayOut))]
[JsonSerializable(typeof(EventExampleIn))]
[JsonSerializable(typeof(MessageEndpointOut))]
[JsonSerializable(typeof(ListResponse<MessageEndpointOut>))]
[JsonSerializable(typeof(MessageIn))]
[JsonSerializable(typeof(MessageOut))]
[JsonSerializable(typeof(ListResponse<MessageOut>))]
[JsonSerializable(typeof(EndpointMessageOut))]
[JsonSerializable(typeof(ListResponse<EndpointMessageOut>))]
[JsonSerializable(typeof(MessageAttemptOut))]
[JsonSerializable(typeof(ListResponse<MessageAttemptOut>))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(ValidationProblem))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

/// <summary>Writes times as RFC 3339 UTC with milliseconds (<c>2026-11-28T10:00:00.123Z</c>); reads any RFC 3339 time.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new JsonException($"'{text}' is not a date-time (RFC 3339).");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
