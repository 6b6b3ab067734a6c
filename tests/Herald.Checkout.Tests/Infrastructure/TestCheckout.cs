using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.Composition;
using Checkout.Mailbox;
using Checkout.Provider.Herald;
using Checkout.Store.Fulfilment;
using Checkout.Store.Orders;
using Checkout.Store.Webhooks;
using Herald.Receiver;
using Herald.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Checkout.Tests.Infrastructure;

/// <summary>
/// The whole sample (Herald, provider, mailbox, store backend, storefront) on free 127.0.0.1 ports over a temp folder;
/// the provider may be a process of its own (<see cref="CheckoutProcess"/>), and the sample can be restarted over the same folder.
/// </summary>
public sealed class TestCheckout : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly CheckoutSettings _settings;

    private TestCheckout(CheckoutSettings settings, TempDirectory directory)
    {
        _settings = settings;
        _directory = directory;
    }

    internal CheckoutSystem System { get; private set; } = null!;
    public HttpClient Store { get; private set; } = null!;
    public HttpClient Provider { get; private set; } = null!;
    public HttpClient Herald { get; private set; } = null!;
    public HttpClient Mailbox { get; private set; } = null!;
    public Uri StorefrontUrl => System.StorefrontUrl;
    public string DataDirectory => _directory.Path;
    public static string AppUid => MerchantRegistration.AppUid;

    internal OrderBook Orders => System.Store.Services.GetRequiredService<OrderBook>();
    internal WebhookGate Gate => System.Store.Services.GetRequiredService<WebhookGate>();
    internal MailboxStore MailboxStore => System.Mailbox.Services.GetRequiredService<MailboxStore>();

    /// <summary>The store backend's Herald.Receiver inbox: every webhook it accepted and how its handler went.</summary>
    internal IWebhookInbox Inbox => System.Store.Services.GetRequiredService<IWebhookInbox>();

    /// <param name="directory">The data folder, for a sample whose provider already runs over it; a new one when null.</param>
    /// <param name="heraldPort">Herald's port, for a provider process that was told it; a free one when 0.</param>
    /// <param name="providerUrl">A provider in its own process; the sample starts one in-process when null.</param>
    public static async Task<TestCheckout> StartAsync(
        TimeSpan? pollingInterval = null, TimeSpan? returnDelay = null, TimeSpan? fulfilmentStepDelay = null,
        TempDirectory? directory = null, int heraldPort = 0, Uri? providerUrl = null)
    {
        directory ??= new TempDirectory();
        var settings = new CheckoutSettings
        {
            Ports = new PortSettings { Storefront = 0, Herald = heraldPort, Provider = 0, Store = 0, Mailbox = 0, Smtp = 0 },
            DataDirectory = directory.Path,
            ProviderUrl = providerUrl,
            RetrySchedule = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)],
            PollingInterval = pollingInterval ?? TimeSpan.FromMilliseconds(500),
            FulfilmentStepDelay = fulfilmentStepDelay ?? TimeSpan.FromMilliseconds(200),
            ReturnDelay = returnDelay ?? TimeSpan.FromMilliseconds(800),
        };
        var checkout = new TestCheckout(settings, directory);
        try
        {
            await checkout.StartSystemAsync();
            return checkout;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Stops every host of the sample and starts them again over the same data folder (on new ports).</summary>
    public async Task RestartAsync()
    {
        await StopSystemAsync();
        await StartSystemAsync();
    }

    private async Task StartSystemAsync()
    {
        System = await CheckoutSystem.StartAsync(_settings, TimeProvider.System, CancellationToken.None);
        Store = new HttpClient { BaseAddress = System.StoreUrl };
        Provider = new HttpClient { BaseAddress = System.ProviderUrl };
        Mailbox = new HttpClient { BaseAddress = System.MailboxUrl };
        Herald = new HttpClient { BaseAddress = new Uri(System.HeraldUrl, "api/v1/") };
        Herald.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", System.Settings.HeraldAdminToken);
    }

    private async Task StopSystemAsync()
    {
        Store.Dispose();
        Provider.Dispose();
        Mailbox.Dispose();
        Herald.Dispose();
        await System.DisposeAsync();
    }

    /// <summary>The order's confirmation as the mailbox's SMTP server received it, raw (the page's ".eml" download).</summary>
    public async Task<string> ReceivedMailAsync(string orderId)
    {
        using var response = await Mailbox.GetAsync($"mail/{Uri.EscapeDataString(ConfirmationEmail.MessageId(orderId))}/raw");
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"The mailbox has no confirmation of {orderId}: {(int)response.StatusCode} {text}");
        return text;
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

    /// <summary>
    /// Waits until the store's inbox holds no webhook that is pending or being processed: every handler run that the
    /// webhooks received so far will cause has finished, so "it did not happen" can be asserted without sleeping.
    /// </summary>
    public Task SettledInboxAsync() =>
        Eventually.WaitAsync(async () => (await Inbox.ListAsync(InboxStatus.Pending, 10, CancellationToken.None)).Count
                + (await Inbox.ListAsync(InboxStatus.Processing, 10, CancellationToken.None)).Count,
            n => n == 0, TimeSpan.FromSeconds(20), "the store's inbox to have nothing pending or processing");

    /// <summary>
    /// Places an unpaid polling-approach order and waits until the poller has asked about it twice: the poller's
    /// passes over the open payments that started after this call have finished.
    /// </summary>
    public async Task PollerPassedAsync()
    {
        var probe = await PlaceOrderAsync("polling");
        await Eventually.WaitAsync(() => Orders.Measurements().Single(m => m.OrderId == probe.OrderId).ChannelRequests >= 2,
            TimeSpan.FromSeconds(20), "two polls of a probe order");
    }

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
        await StopSystemAsync();
        _directory.Dispose();
    }
}

public sealed record PlacedOrder(string OrderId, string PaymentId, Uri PaymentUrl);
