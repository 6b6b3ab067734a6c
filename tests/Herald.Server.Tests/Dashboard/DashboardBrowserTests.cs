using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.Server.Tests.Dashboard;

/// <summary>The operator's dashboard in headless Chromium: sign in, find a failed message, resend it, see the new attempt.</summary>
public sealed class DashboardBrowserTests(BrowserFixture chromium) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private TestReceiver _receiver = null!;
    private HeraldHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        _host = await HeraldHost.StartAsync(new() { ["Herald:Delivery:RetrySchedule:0"] = "01:00:00" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Operator_signs_in_finds_a_failed_message_resends_it_and_sees_the_new_attempt()
    {
        int calls = 0;
        _receiver.Respond = async (ctx, request) =>
        {
            bool fail = request.BodyText.Contains("\"27\"", StringComparison.Ordinal) && Interlocked.Increment(ref calls) == 1;
            ctx.Response.StatusCode = fail ? 503 : 200;
            await ctx.Response.WriteAsync(fail ? "down for maintenance" : "thanks");
        };
        string app = await _host.CreateAppAsync("Corner Shop", "corner-shop");
        var (endpoint, _) = await _host.CreateEndpointAsync(app, _receiver.Url("/webhooks"));
        await _host.SendAsync(app, "order.paid", new { orderId = "27", amount = 2700 }, new { eventId = "order-27" });
        await _host.SendAsync(app, "order.shipped", new { orderId = "26" });
        await _receiver.WaitForAsync(2);

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=token]", "wrong-token");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("not the admin token", await page.ContentAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-login");
        await page.FillAsync("input[name=token]", HeraldHost.Token);
        await page.ClickAsync("button[type=submit]");
        await page.ClickAsync("#apps >> text=Corner Shop");
        await BrowserFixture.ScreenshotAsync(page, "dashboard-app");

        await page.FillAsync("#filters input[name=q]", "order-27");
        await page.ClickAsync("#filters button[type=submit]");
        var rows = page.Locator("#messages tbody tr");
        Assert.Equal(1, await rows.CountAsync());
        await rows.Locator("a").ClickAsync();
        Assert.Contains("\"amount\": 2700", await page.InnerTextAsync("#payload"), StringComparison.Ordinal);
        var attempts = page.Locator("#attempts tbody tr");
        Assert.Equal(1, await attempts.CountAsync());
        Assert.Contains("503", await attempts.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("down for maintenance", await attempts.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("webhook-signature", await attempts.First.InnerTextAsync(), StringComparison.Ordinal);

        await page.ClickAsync("#destinations button:text('Resend')");
        Assert.Contains("Resend queued to 1 endpoint", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        await Eventually.WaitAsync(async () =>
        {
            await page.ReloadAsync();
            return await attempts.CountAsync();
        }, n => n == 2, TimeSpan.FromSeconds(15), "the resent attempt on the page");
        var newest = await attempts.First.InnerTextAsync();
        Assert.Contains("200", newest, StringComparison.Ordinal);
        Assert.Contains("manual", newest, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-message");

        await page.GotoAsync($"/dashboard/app/{app}/endpoint/{endpoint}");
        Assert.Equal(1, await page.Locator("#chart-success polyline").CountAsync());
        Assert.Equal(1, await page.Locator("#chart-latency polyline").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "dashboard-endpoint");
        await page.ClickAsync("button:text('Disable endpoint')");
        Assert.Contains("Endpoint disabled", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        Assert.True((await _host.GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}"))["disabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_message_list_summarises_each_messages_deliveries_without_an_endpoint_filter()
    {
        await using var failing = await TestReceiver.StartAsync();
        failing.Respond = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            await ctx.Response.WriteAsync("down");
        };
        string app = await _host.CreateAppAsync("Summary Shop");
        await _host.CreateEndpointAsync(app, _receiver.Url("/webhooks"));
        var (down, _) = await _host.CreateEndpointAsync(app, failing.Url("/webhooks"));
        string msg = await _host.SendAsync(app, "order.paid", new { orderId = "29" });
        await failing.WaitForAsync(1);
        await Eventually.WaitAsync(async () => (await _host.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}"))["data"]!.AsArray().Count,
            n => n == 2, TimeSpan.FromSeconds(15), "both endpoints' first attempts");

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/login");
        await page.FillAsync("input[name=token]", HeraldHost.Token);
        await page.ClickAsync("button[type=submit]");
        await page.GotoAsync($"/dashboard/app/{app}");

        Assert.Equal("Deliveries", await page.InnerTextAsync("#messages thead th:nth-child(5)"));
        var row = page.Locator("#messages tbody tr", new() { HasText = msg });
        Assert.Equal("1 success · 1 pending", (await row.Locator("td:nth-child(5)").InnerTextAsync()).Trim());

        await page.GotoAsync($"/dashboard/app/{app}?endpoint={down}");
        Assert.Equal("Status at endpoint", await page.InnerTextAsync("#messages thead th:nth-child(5)"));
        Assert.Equal("pending", (await page.Locator("#messages tbody tr", new() { HasText = msg }).Locator("td:nth-child(5)").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task The_live_tail_shows_deliveries_as_they_happen()
    {
        string app = await _host.CreateAppAsync("Tail Shop");
        await _host.CreateEndpointAsync(app, _receiver.Url("/webhooks"));
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/login");
        await page.FillAsync("input[name=token]", HeraldHost.Token);
        await page.ClickAsync("button[type=submit]");
        await page.GotoAsync("/dashboard/tail");
        await page.WaitForTimeoutAsync(300); // the event stream connects
        string msg = await _host.SendAsync(app, "order.paid", new { orderId = "28" });
        await page.Locator($"#tail tbody tr >> text={msg}").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await BrowserFixture.ScreenshotAsync(page, "dashboard-tail");
    }

    [Fact]
    public async Task Dashboard_forms_refuse_a_post_without_the_csrf_token()
    {
        using var client = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        using var response = await client.PostAsync("/dashboard/apps", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Evil" }));
        Assert.Equal(403, (int)response.StatusCode);
        using var login = await client.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = HeraldHost.Token }));
        Assert.Equal(403, (int)login.StatusCode);
    }
}
