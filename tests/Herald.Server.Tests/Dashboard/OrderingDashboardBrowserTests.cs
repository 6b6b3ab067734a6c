using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.Server.Tests.Dashboard;

/// <summary>An ordered endpoint's page in headless Chromium: the key that blocks, why, and the operator skipping it.</summary>
public sealed class OrderingDashboardBrowserTests(BrowserFixture chromium) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private TestReceiver _receiver = null!;
    private HeraldHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        // One retry 100 ms after the first attempt, then the head is given up on and, on a "hold" endpoint, holds its key.
        _host = await HeraldHost.StartAsync(new() { ["Herald:Delivery:RetrySchedule:0"] = "00:00:00.100", ["Herald:Delivery:RetryJitter"] = "0" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task The_endpoint_page_shows_the_held_key_and_why_and_skipping_it_lets_the_key_move_on()
    {
        _receiver.Respond = async (ctx, request) =>
        {
            bool fail = request.BodyText.Contains("\"refund-first\"", StringComparison.Ordinal);
            ctx.Response.StatusCode = fail ? 503 : 200;
            await ctx.Response.WriteAsync(fail ? "ledger locked" : "thanks");
        };
        string app = await _host.CreateAppAsync("Corner Shop", "corner-shop");
        var (endpoint, _) = await _host.CreateEndpointAsync(app, _receiver.Url("/webhooks"), new { ordering = "key", orderingOnExhaustion = "hold" });
        string head = await _host.SendAsync(app, "payment.refunded", new { step = "refund-first" }, new { orderingKey = "order-12345" });
        string next = await _host.SendAsync(app, "payment.succeeded", new { step = "then-this" }, new { orderingKey = "order-12345" });
        await _host.SendAsync(app, "payment.succeeded", new { step = "other-order" }, new { orderingKey = "order-12346" });
        await Eventually.WaitAsync(async () => (await _host.GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}/ordering/blocked"))["data"]!.AsArray(),
            blocks => blocks.Count == 1 && blocks[0]!["status"]!.GetValue<string>() == "held", TimeSpan.FromSeconds(30), "order-12345 held");
        Assert.DoesNotContain(_receiver.Received, r => r.BodyText.Contains("then-this", StringComparison.Ordinal));
        Assert.Contains(_receiver.Received, r => r.BodyText.Contains("other-order", StringComparison.Ordinal));

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/login");
        await page.FillAsync("input[name=token]", HeraldHost.Token);
        await page.ClickAsync("button[type=submit]");
        await page.GotoAsync($"/dashboard/app/{app}/endpoint/{endpoint}");
        Assert.Contains("one sequence per ordering key", await page.InnerTextAsync("#ordering"), StringComparison.Ordinal);
        var row = page.Locator("#ordering-blocks tbody tr");
        Assert.Equal(1, await row.CountAsync());
        string text = await row.InnerTextAsync();
        foreach (var expected in new[] { "order-12345", head, "held", "ledger locked" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        await BrowserFixture.ScreenshotAsync(page, "dashboard-ordering");

        await page.ClickAsync("#ordering-blocks button:text('Skip it')");
        Assert.Contains("the key moves on", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        await Eventually.WaitAsync(async () => (await _host.GetAsync($"/api/v1/app/{app}/msg/{next}/endpoint"))["data"]![0]!["statusText"]!.GetValue<string>(),
            s => s == "success", TimeSpan.FromSeconds(30), "the next message of the key delivered");
        await page.ReloadAsync();
        Assert.Contains("No key is blocked", await page.InnerTextAsync("#ordering-blocks"), StringComparison.Ordinal);
    }
}
