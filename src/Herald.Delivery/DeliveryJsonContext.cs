using System.Text.Json.Serialization;

namespace Herald.Delivery;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;
