using Herald.Server.Tests.Dashboard;
using Herald.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Herald.Server.Tests.Portal;

/// <summary>The consumer portal in headless Chromium: a link for app A manages A only, and expired links are refused.</summary>
public sealed class PortalBrowserTests(BrowserFixture chromium) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private HeraldHost _host = null!;

    public async Task InitializeAsync() => _host = await HeraldHost.StartAsync(time: _time);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_portal_link_for_app_A_manages_A_and_cannot_reach_app_B()
    {
        string appA = await _host.CreateAppAsync("Shop A");
        string appB = await _host.CreateAppAsync("Shop B");
        var (endpointB, _) = await _host.CreateEndpointAsync(appB, "https://b.example.com/hook");
        string msgB = await _host.SendAsync(appB, "order.paid", new { n = 1 });
        string url = (await _host.PostAsync($"/api/v1/auth/app-portal-access/{appA}", new { }, 200))["url"]!.GetValue<string>();

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        await page.WaitForURLAsync("**/portal");
        Assert.Contains("Shop A", await page.TitleAsync(), StringComparison.Ordinal);

        await page.FillAsync("input[name=url]", "https://a.example.com/webhooks");
        await page.ClickAsync("button:text('Add endpoint')");
        Assert.Contains("Endpoint created", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        await page.ClickAsync("text=Show secret");
        Assert.StartsWith("whsec_", await page.InnerTextAsync("#secret"), StringComparison.Ordinal);
        await page.ClickAsync("button:text('Rotate secret')");
        Assert.Contains("Secret rotated", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "portal-endpoint");
        var endpoints = (await _host.GetAsync($"/api/v1/app/{appA}/endpoint"))["data"]!.AsArray();
        Assert.Equal("https://a.example.com/webhooks", Assert.Single(endpoints)!["url"]!.GetValue<string>());

        var other = await page.GotoAsync($"/portal/endpoint/{endpointB}");
        Assert.Equal(404, other!.Status);
        other = await page.GotoAsync($"/portal/msg/{msgB}");
        Assert.Equal(404, other!.Status);
        other = await page.GotoAsync($"/dashboard/app/{appB}");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal); // the portal cookie is no dashboard session
        await page.GotoAsync("/portal");
        await BrowserFixture.ScreenshotAsync(page, "portal-home");
    }

    [Fact]
    public async Task An_expired_portal_link_is_refused()
    {
        string app = await _host.CreateAppAsync("Shop C");
        string url = (await _host.PostAsync($"/api/v1/auth/app-portal-access/{app}", new { expiry = 300 }, 200))["url"]!.GetValue<string>();
        _time.Advance(TimeSpan.FromMinutes(6));

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(url);
        Assert.Equal(401, response!.Status);
        Assert.Contains("expired", await page.InnerTextAsync("#refused"), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "portal-expired");
        response = await page.GotoAsync(new Uri(new Uri(url), "/portal").ToString());
        Assert.Equal(401, response!.Status);
    }
}
