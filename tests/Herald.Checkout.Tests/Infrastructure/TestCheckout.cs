using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.Composition;
using Checkout.Provider.Herald;
using Checkout.Store.Orders;
using Checkout.Store.Webhooks;
using Herald.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Checkout.Tests.Infrastructure;

/// <summary>The whole sample (Herald, provider, store backend, storefront) on free 127.0.0.1 ports over a temp folder.</summary>
public sealed class TestCheckout : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private TestCheckout(CheckoutSystem system, TempDirectory directory)
    {
        System = system;
        _directory = directory;
        Store = new HttpClient { BaseAddress = system.StoreUrl };
        Provider = new HttpClient { BaseAddress = system.ProviderUrl };
        Herald = new HttpClient { BaseAddress = new Uri(system.HeraldUrl, "api/v1/") };
        Herald.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", system.Settings.HeraldAdminToken);
    }

    internal CheckoutSystem System { get; }
    public HttpClient Store { get; }
    public HttpClient Provider { get; }
    public HttpClient Herald { get; }
    public Uri StorefrontUrl => System.StorefrontUrl;
    public string DataDirectory => _directory.Path;
    public static string AppUid => MerchantRegistration.AppUid;

    internal OrderBook Orders => System.Store.Services.GetRequiredService<OrderBook>();
    internal WebhookGate Gate => System.Store.Services.GetRequiredService<WebhookGate>();

    public static async Task<TestCheckout> StartAsync(TimeSpan? pollingInterval = null, TimeSpan? returnDelay = null, TimeSpan? fulfilmentStepDelay = null)
    {
        var directory = new TempDirectory();
        var settings = new CheckoutSettings
        {
            Ports = new PortSettings { Storefront = 0, Herald = 0, Provider = 0, Store = 0 },
            DataDirectory = directory.Path,
            RetrySchedule = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)],
            PollingInterval = pollingInterval ?? TimeSpan.FromMilliseconds(500),
            FulfilmentStepDelay = fulfilmentStepDelay ?? TimeSpan.FromMilliseconds(200),
            ReturnDelay = returnDelay ?? TimeSpan.FromMilliseconds(800),
        };
        try
        {
            return new TestCheckout(await CheckoutSystem.StartAsync(settings, TimeProvider.System, CancellationToken.None), directory);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>What the storefront page does when the shopper clicks "Order".</summary>
    public async Task<PlacedOrder> PlaceOrderAsync(string approach = "webhook", string method = "card")
    {
        using var response = await Store.PostAsJsonAsync("api/orders", new { method, approach, email = "shopper@example.com" });
        var body = await ReadAsync(response, 201);
        return new PlacedOrder(body["orderId"]!.GetValue<string>(), body["paymentId"]!.GetValue<string>(), new Uri(body["paymentUrl"]!.GetValue<string>()));
    }

    /// <summary>What the provider's payment step does when the shopper submits it; the tab may close right after.</summary>
    public async Task PayAsync(PlacedOrder order, string cardNumber = "4242 4242 4242 4242")
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["card-number"] = cardNumber, ["card-expiry"] = "12/34", ["card-cvc"] = "123", ["card-name"] = "Test Shopper",
        });
        using var response = await Provider.PostAsync(order.PaymentUrl, form);
        Assert.True(response.IsSuccessStatusCode, $"The provider answered {(int)response.StatusCode}");
    }

    /// <summary>What the order page does in the app-report approach once it is back from the provider.</summary>
    public async Task<JsonNode> ReportPaymentAsync(PlacedOrder order)
    {
        using var response = await Store.PostAsJsonAsync($"api/orders/{order.OrderId}/payment-report", new { paymentId = order.PaymentId });
        return await ReadAsync(response, 200);
    }

    public async Task<JsonNode> GetOrderAsync(string orderId) =>
        await ReadAsync(await Store.GetAsync($"api/orders/{orderId}"), 200);

    public Task<JsonNode> WaitForStatusAsync(string orderId, string status, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(() => GetOrderAsync(orderId), o => o["status"]!.GetValue<string>() == status, timeout ?? TimeSpan.FromSeconds(20),
            $"order {orderId} to become '{status}'");

    public async Task<JsonNode> GetComparisonAsync() => await ReadAsync(await Store.GetAsync("api/compare"), 200);

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, int expectedStatus)
    {
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
            return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        Provider.Dispose();
        Herald.Dispose();
        await System.DisposeAsync();
        _directory.Dispose();
    }
}

public sealed record PlacedOrder(string OrderId, string PaymentId, Uri PaymentUrl);
