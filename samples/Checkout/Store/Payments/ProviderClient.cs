using System.Net.Http.Json;

namespace Checkout.Store.Payments;

internal sealed record ProviderPaymentRequest(string OrderId, long Amount, string Currency, string Method, Uri ReturnUrl);

internal sealed record ProviderPaymentCreated(string PaymentId, Uri PaymentUrl);

/// <summary>The provider's answer to "how is this payment doing?".</summary>
internal sealed record ProviderPayment(
    string PaymentId, string OrderId, string Status, long Amount, string Currency, DateTimeOffset? CompletedAt, string? DeclineReason)
{
    public bool IsFinished => Status is "succeeded" or "failed";

    public Orders.PaymentNews ToNews() =>
        new(OrderId, PaymentId, Status == "succeeded", Amount, Currency, CompletedAt ?? default, DeclineReason);
}

/// <summary>The store's client for the provider's merchant API.</summary>
internal sealed class ProviderClient(HttpClient http)
{
    private static StoreJsonContext Json => StoreJsonContext.Default;

    public async Task<ProviderPaymentCreated> CreatePaymentAsync(
        string orderId, long amount, string currency, string method, Uri returnUrl, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("api/payments",
            new ProviderPaymentRequest(orderId, amount, currency, method, returnUrl), Json.ProviderPaymentRequest, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(Json.ProviderPaymentCreated, cancellationToken))!;
    }

    public async Task<ProviderPayment> GetPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync($"api/payments/{Uri.EscapeDataString(paymentId)}", Json.ProviderPayment, cancellationToken))!;
}
