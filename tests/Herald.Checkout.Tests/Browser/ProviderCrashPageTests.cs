using System.Text.RegularExpressions;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Herald.Checkout.Tests.Browser;

/// <summary>
/// The shopper pays in Chromium while the provider runs as a process of its own; it is SIGKILLed right after the
/// payment commits, before publishing. The open order page becomes paid once the provider is back, and links to the
/// confirmation the mailbox received.
/// </summary>
public sealed partial class ProviderCrashPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly List<CheckoutProcess> _providers = [];
    private TestCheckout? _checkout;
    private IBrowserContext? _context;
    private Uri _heraldUrl = null!;
    private TempDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        _directory = new TempDirectory();
        _heraldUrl = new Uri($"http://127.0.0.1:{CheckoutProcess.FreePort()}/");
        // Its relay does not run: the payment's webhook stays in provider.db, as if the process died before publishing.
        var provider = StartProvider(port: 0, relayEnabled: false);
        var providerUrl = await provider.WaitUntilListeningAsync();
        _checkout = await TestCheckout.StartAsync(directory: _directory, heraldPort: _heraldUrl.Port, providerUrl: providerUrl);
    }

    [Fact]
    public async Task The_order_page_becomes_paid_after_the_killed_provider_restarts_and_opens_the_received_mail()
    {
        var checkout = _checkout!;
        _context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 820 } });
        _context.SetDefaultTimeout(90_000);
        _context.SetDefaultNavigationTimeout(90_000);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(checkout.StorefrontUrl.AbsoluteUri);
        await page.GetByLabel("Card", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Herald webhook: the provider tells the backend").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Order" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/pay/pay_"));
        string paymentId = PaymentIdInUrl().Match(page.Url).Groups[1].Value;
        string orderId = (await page.Locator("code").TextContentAsync())!;
        var providerUrl = new Uri(page.Url);
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/34");
        await page.GetByLabel("CVC").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Ada Shopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $27.00" }).ClickAsync();
        // The approval page is rendered after the payment and its outbox row committed.
        await Expect(page.Locator("#payment-result")).ToHaveTextAsync("Payment approved");
        await _providers[0].KillAsync();
        Assert.Equal(137, _providers[0].ExitCode); // 128 + SIGKILL

        // The approval page sends the shopper back to the shop; the store has not heard of the payment.
        await page.WaitForURLAsync(new Regex("/order/ord_"));
        var status = page.GetByRole(AriaRole.Status);
        await Expect(status).ToHaveTextAsync("pending");
        Assert.Equal("pending", (string)(await checkout.GetOrderAsync(orderId))["status"]!);

        // The provider comes back at the same address over the same database, this time with its relay.
        var restarted = StartProvider(providerUrl.Port, relayEnabled: true);
        await restarted.WaitUntilListeningAsync();
        await Expect(status).ToHaveTextAsync("email sent", new() { Timeout = 60_000 });
        await Expect(page.Locator("#payment-id")).ToHaveTextAsync(paymentId);
        await Expect(page.Locator("#payment-news")).ToContainTextAsync($"Payment {paymentId} for order {orderId} succeeded.");
        await Expect(page.Locator("#learned-from")).ToContainTextAsync("The store learned it from Herald webhook msg_");

        await page.GetByRole(AriaRole.Link, new() { Name = "Open the e-mail" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/mail/"));
        await Expect(page.Locator("#mail-subject")).ToHaveTextAsync($"Your Chocolate Corner order {orderId} is on its way");
        await Expect(page.Locator("#mail-to")).ToHaveTextAsync("shopper@example.com");
        await Expect(page.Locator("#mail-text")).ToContainTextAsync($"Payment {paymentId} for order {orderId} succeeded.");
    }

    private CheckoutProcess StartProvider(int port, bool relayEnabled)
    {
        var provider = CheckoutProcess.StartProvider(_directory.Path, _heraldUrl, "checkout-demo-token", port, relayEnabled);
        _providers.Add(provider);
        return provider;
    }

    [GeneratedRegex(@"/pay/(pay_[A-Za-z0-9]+)")]
    private static partial Regex PaymentIdInUrl();

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        if (_checkout is not null)
        {
            await _checkout.DisposeAsync();
        }
        else
        {
            _directory.Dispose();
        }
    }
}
