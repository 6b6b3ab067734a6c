using System.Text.Json;
using System.Text.Json.Serialization;
using Checkout.Store.Admin;
using Checkout.Store.Comparison;
using Checkout.Store.Orders;
using Checkout.Store.Payments;

namespace Checkout.Store;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CartView))]
[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(PlaceOrderResponse))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(PaymentReportRequest))]
[JsonSerializable(typeof(ProviderPaymentRequest))]
[JsonSerializable(typeof(ProviderPaymentCreated))]
[JsonSerializable(typeof(ProviderPayment))]
[JsonSerializable(typeof(BackendStatus))]
[JsonSerializable(typeof(ComparisonView))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
