using System.Net;
using System.Net.Http.Headers;
using Herald.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Portal;

/// <summary>Portal tokens: scoped to one application, short-lived, revocable; the portal pages honour the same scope.</summary>
public sealed class PortalAccessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private HeraldHost _host = null!;
    private string _appA = "", _appB = "", _endpointB = "";

    public async Task InitializeAsync()
    {
        _host = await HeraldHost.StartAsync(time: _time);
        _appA = await _host.CreateAppAsync("Shop A", "shop-a");
        _appB = await _host.CreateAppAsync("Shop B", "shop-b");
        await _host.CreateEndpointAsync(_appA, "https://a.example.com/hook");
        (_endpointB, _) = await _host.CreateEndpointAsync(_appB, "https://b.example.com/hook");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(string Url, string Token)> IssueAsync(string app, object? body = null)
    {
        var access = await _host.PostAsync($"/api/v1/auth/app-portal-access/{app}", body ?? new { }, 200);
        return (access["url"]!.GetValue<string>(), access["token"]!.GetValue<string>());
    }

    private HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<int> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task A_portal_token_reaches_its_own_application_and_nothing_else()
    {
        var (url, token) = await IssueAsync("shop-a");
        Assert.StartsWith(_host.Client.BaseAddress!.ToString().TrimEnd('/') + "/portal/login?token=", url, StringComparison.Ordinal);
        using var client = WithToken(token);
        Assert.Equal(200, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}/endpoint"));
        Assert.Equal(200, await StatusAsync(client, HttpMethod.Get, "/api/v1/app/shop-a/msg"));
        Assert.Equal(200, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appB}/endpoint"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appB}/endpoint/{_endpointB}/secret"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, "/api/v1/app"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Delete, $"/api/v1/app/{_appA}"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Post, $"/api/v1/auth/app-portal-access/{_appA}"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, "/api/v1/event-type"));
    }

    [Fact]
    public async Task An_expired_token_is_refused_by_the_api_and_the_portal()
    {
        var (url, token) = await IssueAsync(_appA, new { expiry = 600 });
        using var client = WithToken(token);
        Assert.Equal(200, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}/endpoint"));
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}/endpoint"));
        using var browser = new HttpClient();
        using var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Contains("expired", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_lifetime_is_one_hour()
    {
        var (_, token) = await IssueAsync(_appA);
        using var client = WithToken(token);
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(200, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}/endpoint"));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}/endpoint"));
    }

    [Fact]
    public async Task Logout_revokes_the_portal_token_and_refuses_other_tokens()
    {
        var (_, token) = await IssueAsync(_appA);
        using var client = WithToken(token);
        Assert.Equal(401, await StatusAsync(_host.Client, HttpMethod.Post, "/api/v1/auth/logout")); // the admin token is not a portal token
        Assert.Equal(204, await StatusAsync(client, HttpMethod.Post, "/api/v1/auth/logout"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Get, $"/api/v1/app/{_appA}/endpoint"));
        Assert.Equal(401, await StatusAsync(client, HttpMethod.Post, "/api/v1/auth/logout"));
    }

    [Fact]
    public async Task Portal_pages_show_only_the_tokens_application_and_forms_need_the_csrf_token()
    {
        var (url, _) = await IssueAsync(_appA);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _host.Client.BaseAddress };
        using (var login = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/portal", login.Headers.Location!.OriginalString);
            var setCookie = string.Join(";", login.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        }
        string home = await browser.GetStringAsync("/portal");
        Assert.Contains("Shop A", home, StringComparison.Ordinal);
        Assert.Contains("a.example.com", home, StringComparison.Ordinal);
        Assert.DoesNotContain("b.example.com", home, StringComparison.Ordinal);
        using (var other = await browser.GetAsync($"/portal/endpoint/{_endpointB}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        using (var forged = await browser.PostAsync("/portal/endpoint", new FormUrlEncodedContent(new Dictionary<string, string> { ["url"] = "https://evil.example.com" })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        var endpoints = await _host.GetAsync($"/api/v1/app/{_appA}/endpoint");
        Assert.Single(endpoints["data"]!.AsArray());
    }
}
