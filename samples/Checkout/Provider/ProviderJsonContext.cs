using System.Text.Json;
using System.Text.Json.Serialization;
using Checkout.Provider.Herald;
using Checkout.Provider.Payments;

namespace Checkout.Provider;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreatePaymentRequest))]
[JsonSerializable(typeof(CreatePaymentResponse))]
[JsonSerializable(typeof(PaymentStatusResponse))]
[JsonSerializable(typeof(PaymentEventEnvelope))]
[JsonSerializable(typeof(HeraldApplicationIn))]
[JsonSerializable(typeof(HeraldEventTypeIn))]
[JsonSerializable(typeof(HeraldEndpointIn))]
[JsonSerializable(typeof(HeraldIdOut))]
[JsonSerializable(typeof(HeraldSecretOut))]
internal sealed partial class ProviderJsonContext : JsonSerializerContext;
