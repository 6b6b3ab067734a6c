using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Client;

// Nulls are left out of requests: to the server an absent field and a null one mean the same on POST and PUT.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
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
[JsonSerializable(typeof(RecoverIn))]
[JsonSerializable(typeof(ReplayIn))]
[JsonSerializable(typeof(BackgroundTaskOut))]
[JsonSerializable(typeof(EventExampleIn))]
[JsonSerializable(typeof(MessageIn))]
[JsonSerializable(typeof(MessageOut))]
[JsonSerializable(typeof(ListResponse<MessageOut>))]
[JsonSerializable(typeof(MessageAttemptOut))]
[JsonSerializable(typeof(ListResponse<MessageAttemptOut>))]
[JsonSerializable(typeof(MessageEndpointOut))]
[JsonSerializable(typeof(ListResponse<MessageEndpointOut>))]
[JsonSerializable(typeof(EndpointMessageOut))]
[JsonSerializable(typeof(ListResponse<EndpointMessageOut>))]
[JsonSerializable(typeof(AppPortalAccessIn))]
[JsonSerializable(typeof(AppPortalAccessOut))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
