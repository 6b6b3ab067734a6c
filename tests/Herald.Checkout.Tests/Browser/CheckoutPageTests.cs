using System.Text.RegularExpressions;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Herald.Checkout.Tests.Browser;

/// <summary>The storefront, the provider's payment step and the live order page, clicked through in headless Chromium.</summary>
public sealed partial class CheckoutPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private static readonly string[] Progression = ["pending", "paid", "shipped", "email sent"];
    private TestCheckout _checkout = null!;
    private IBrowserContext? _context;

    // Slow enough steps that the order page sees shipped and e-mailed arrive live; a return delay long enough to close the tab in.
    public async Task InitializeAsync() =>
        _checkout = await TestCheckout.StartAsync(returnDelay: TimeSpan.FromMilliseconds(1500), fulfilmentStepDelay: TimeSpan.FromMilliseconds(2500));

    [Fact]
    public async Task Shopper_pays_by_card_and_watches_the_order_become_paid_shipped_and_emailed()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_checkout.StorefrontUrl.AbsoluteUri);
        await Expect(page.Locator("#total")).ToHaveTextAsync("$27.00");
        await Expect(page.Locator("#cart-lines")).ToContainTextAsync("Lindt chocolate box");
        await Expect(page.Locator("#cart-lines")).ToContainTextAsync("Feastables bar");
        await page.GetByLabel("Card", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Herald webhook: the provider tells the backend").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Order" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/pay/pay_"));
        // The payment id the provider issued, as its payment step's URL carries it.
        string paymentId = PaymentIdInUrl().Match(page.Url).Groups[1].Value;
        string orderId = (await page.Locator("code").TextContentAsync())!;
        await Expect(page.Locator("#amount")).ToHaveTextAsync("$27.00");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/34");
        await page.GetByLabel("CVC").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Ada Shopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $27.00" }).ClickAsync();
        await Expect(page.Locator("#payment-result")).ToHaveTextAsync("Payment approved");

        await page.WaitForURLAsync(new Regex("/order/ord_"));
        var seen = await WatchStatusAsync(page);
        var status = page.GetByRole(AriaRole.Status);
        await Expect(status).ToHaveTextAsync("email sent", new() { Timeout = 20_000 });

        var statuses = await seen();
        Assert.Equal("email sent", statuses[^1]);
        Assert.True(statuses.Count >= 2, $"The page should have updated live; it showed only {string.Join(", ", statuses)}.");
        Assert.Equal(statuses.Order(Comparer<string>.Create((a, b) => Array.IndexOf(Progression, a) - Array.IndexOf(Progression, b))), statuses);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "The order page reloaded instead of updating live.");
        foreach (string step in new[] { "#step-paid", "#step-shipped", "#step-email-sent" })
        {
            await Expect(page.Locator(step)).ToHaveClassAsync(new Regex("done"));
        }
        await Expect(page.Locator("#tracking")).ToContainTextAsync(TrackingNumber());

        // The seed's news on the order page: "payment pay_… for order ord_… succeeded", and which message told the store.
        await Expect(page.Locator("#payment-id")).ToHaveTextAsync(paymentId);
        await Expect(page.Locator("#payment-order")).ToHaveTextAsync(orderId);
        await Expect(page.Locator("#payment-result")).ToHaveTextAsync("succeeded");
        await Expect(page.Locator("#payment-news")).ToContainTextAsync($"Payment {paymentId} for order {orderId} succeeded.");
        await Expect(page.Locator("#learned-from")).ToContainTextAsync("The store learned it from Herald webhook msg_");
        string messageId = (await page.Locator("#webhook-message-id").TextContentAsync())!;
        Assert.Matches("^msg_", messageId);
        Assert.Matches(@"\d", (await page.Locator("#learned-from time").TextContentAsync())!);
        // That message is Herald's message for this payment (the provider sends eventId = the payment id).
        var heraldMessage = await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/msg/{paymentId}"), 200);
        Assert.Equal(messageId, (string)heraldMessage["id"]!);
        Assert.Equal(paymentId, (string)heraldMessage["payload"]!["data"]!["paymentId"]!);

        await SaveScreenshotAsync(page);

        // The e-mail link opens the mailbox's page of the confirmation its SMTP server received.
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the e-mail" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/mail/"));
        await Expect(page.Locator("#mail-subject")).ToHaveTextAsync($"Your Chocolate Corner order {orderId} is on its way");
        await Expect(page.Locator("#mail-to")).ToHaveTextAsync("shopper@example.com");
        await Expect(page.Locator("#mail-received")).ToContainTextAsync("by SMTP at");
        await Expect(page.Locator("#mail-text")).ToContainTextAsync($"Payment {paymentId} for order {orderId} succeeded.");
        await Expect(page.Locator("#mail-text")).ToContainTextAsync($"The store learned it from Herald webhook {messageId}, received ");
        await Expect(page.FrameLocator("#mail-html").Locator("#payment")).ToContainTextAsync($"Payment {paymentId} for order {orderId} succeeded.");
        await SaveScreenshotAsync(page, "checkout-received-mail");

        // The comparison page lists the same order with the same payment id and Herald message id.
        await page.GotoAsync(new Uri(_checkout.StorefrontUrl, "compare").AbsoluteUri);
        var row = page.Locator("#orders tr", new() { HasText = orderId });
        await Expect(row).ToContainTextAsync(paymentId);
        await Expect(row).ToContainTextAsync(messageId);
        await Expect(row).ToContainTextAsync("email sent");
    }

    [Fact]
    public async Task Shopper_pays_with_the_wallet_and_the_page_reports_back()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_checkout.StorefrontUrl.AbsoluteUri);
        await page.GetByLabel("Wallet", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("This page reports back after paying").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Order" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/pay/pay_"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm with wallet" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/order/ord_"));

        await Expect(page.Locator("#report-note")).ToHaveTextAsync("This page told the store about the payment.");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("email sent", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task Closing_the_tab_before_it_reports_back_leaves_the_app_report_order_unpaid()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_checkout.StorefrontUrl.AbsoluteUri);
        await page.GetByLabel("This page reports back after paying").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Order" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/pay/pay_"));
        string orderId = (await page.Locator("code").TextContentAsync())!;
        await page.GetByLabel("Card number").FillAsync("4242424242424242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/34");
        await page.GetByLabel("CVC").FillAsync("123");
        await page.GetByLabel("Name on card").FillAsync("Ada Shopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $27.00" }).ClickAsync();
        await Expect(page.Locator("#payment-result")).ToHaveTextAsync("Payment approved");
        await page.CloseAsync();

        // Herald still tells the backend (measured), but this order's approach is the page's report, which never comes.
        var row = await Eventually.WaitAsync(async () => (await _checkout.GetComparisonAsync())["orders"]!.AsArray().Single(o => (string)o!["orderId"]! == orderId)!,
            o => o["webhookAfterMs"] is not null, TimeSpan.FromSeconds(20), "Herald's webhook for the closed tab's payment");
        await _checkout.SettledInboxAsync();
        await _checkout.PollerPassedAsync(); // nor does the poller ask about it
        var order = await _checkout.GetOrderAsync(orderId);
        Assert.Equal("pending", (string)order["status"]!);
        row = (await _checkout.GetComparisonAsync())["orders"]!.AsArray().Single(o => (string)o!["orderId"]! == orderId)!;
        Assert.Null(row["learnedAfterMs"]);
        Assert.Equal(0, (int)row["requests"]!);
    }

    private async Task<IPage> NewPageAsync()
    {
        _context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 820 } });
        await _context.AddInitScriptAsync(RecordStatuses);
        // The full suite runs every test assembly at once on two cores; a page step may then take longer than
        // Playwright's 30 s default without anything being wrong.
        _context.SetDefaultTimeout(90_000);
        _context.SetDefaultNavigationTimeout(90_000);
        return await _context.NewPageAsync();
    }

    /// <summary>Marks the window, to prove later that it was never reloaded, and returns a reader of every status it showed.</summary>
    private static async Task<Func<Task<List<string>>>> WatchStatusAsync(IPage page)
    {
        await page.EvaluateAsync("() => { window.__noReload = true; }");
        return async () => [.. await page.EvaluateAsync<string[]>("() => window.__seen")];
    }

    /// <summary>Runs in every page before its own scripts: records each status the order page shows, from the first.</summary>
    private const string RecordStatuses = """
        window.__seen = [];
        document.addEventListener('DOMContentLoaded', () => {
          const status = document.getElementById('order-status');
          if (!status) { return; }
          const record = () => {
            const text = status.textContent;
            if (text !== 'loading…' && window.__seen[window.__seen.length - 1] !== text) { window.__seen.push(text); }
          };
          record();
          new MutationObserver(record).observe(status, { childList: true, characterData: true, subtree: true });
        });
        """;

    private static async Task SaveScreenshotAsync(IPage page, string name = "checkout-order-complete")
    {
        string path = Herald.Testing.Screenshots.PathFor(name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, "The screenshot is suspiciously small.");
    }

    [GeneratedRegex(@"/pay/(pay_[A-Za-z0-9]+)")]
    private static partial Regex PaymentIdInUrl();

    [GeneratedRegex(@"tracking number CC\d{12}")]
    private static partial Regex TrackingNumber();

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
        await _checkout.DisposeAsync();
    }
}
