using System.Net.Http.Json;
using Checkout.Store;
using Checkout.Store.Orders;

namespace Checkout.Measurement;

/// <summary>Does over HTTP what a shopper's browser does: order, pay on the provider's page, maybe report back.</summary>
internal sealed class ScriptedShopper(HttpClient store, HttpClient provider)
{
    public async Task<PlaceOrderResponse> OrderAsync(string approach, string method, CancellationToken cancellationToken)
    {
        using var response = await store.PostAsJsonAsync("api/orders", new PlaceOrderRequest(method, approach, "shopper@example.com"),
            StoreJsonContext.Default.PlaceOrderRequest, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(StoreJsonContext.Default.PlaceOrderResponse, cancellationToken))!;
    }

    public async Task PayAsync(PlaceOrderResponse order, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["card-number"] = "4242 4242 4242 4242", ["card-expiry"] = "12/34", ["card-cvc"] = "123", ["card-name"] = "Scripted Shopper",
        });
        using var response = await provider.PostAsync(order.PaymentUrl, form, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task ReportAsync(PlaceOrderResponse order, CancellationToken cancellationToken)
    {
        using var response = await store.PostAsJsonAsync($"api/orders/{order.OrderId}/payment-report",
            new Store.Payments.PaymentReportRequest(order.PaymentId), StoreJsonContext.Default.PaymentReportRequest, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task SetBackendDownAsync(bool down, CancellationToken cancellationToken)
    {
        using var response = await store.PostAsync(down ? "admin/down" : "admin/up", null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
