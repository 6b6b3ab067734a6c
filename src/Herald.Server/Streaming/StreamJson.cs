using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Server.Api;

namespace Herald.Server.Streaming;

/// <summary>One message of an application, as pushed to <c>herald listen</c>.</summary>
internal sealed record StreamedMessage(string Id, string EventType, string? EventId, IReadOnlyList<string>? Channels, JsonElement Payload, DateTimeOffset Timestamp);

/// <summary>One stored delivery outcome, as shown by the dashboard's live tail.</summary>
internal sealed record TailEvent(string AppId, string MsgId, string EndpointId, string EventType, string Status, int? Code, long? DurationMs, int Attempt, DateTimeOffset At);

/// <summary>A batch of one node's tail outcomes, as broadcast to the other nodes.</summary>
internal sealed record TailBroadcast(string Node, IReadOnlyList<TailEvent> Events);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(StreamedMessage))]
[JsonSerializable(typeof(TailEvent))]
[JsonSerializable(typeof(TailBroadcast))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
