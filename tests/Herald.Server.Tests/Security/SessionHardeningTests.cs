using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Security;

/// <summary>Guessing limits, server-side logout, forwarded headers, portal link hosts and security headers.</summary>
public sealed partial class SessionHardeningTests
{
    private static HttpClient Anonymous(HeraldHost host, bool cookies = false) =>
        new(new HttpClientHandler { UseCookies = cookies, AllowAutoRedirect = false }) { BaseAddress = host.Client.BaseAddress };

    private static async Task<int> GetWithTokenAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/app");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task Failed_tokens_are_limited_per_address_and_a_blocked_address_is_refused_even_with_the_right_token()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Security:FailedAuthPerMinute"] = "60" });
        using var client = Anonymous(host);
        for (int i = 0; i < 60; i++)
        {
            Assert.Equal(401, await GetWithTokenAsync(client, "wrong-" + i));
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/app"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-again");
            using var refused = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
            Assert.Contains("too_many_failed_attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(429, await GetWithTokenAsync(client, HeraldHost.Token));
        // One failure is forgiven a second (60 a minute): the right token works again without any restart.
        await Eventually.WaitAsync(() => GetWithTokenAsync(client, HeraldHost.Token), status => status == 200, TimeSpan.FromSeconds(10), "the bucket to refill");
    }

    [Fact]
    public async Task Successful_requests_cost_nothing()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Security:FailedAuthPerMinute"] = "3" });
        using var client = Anonymous(host);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(200, await GetWithTokenAsync(client, HeraldHost.Token));
        }
    }

    [Fact]
    public async Task Dashboard_sign_in_guesses_are_limited_too()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Security:FailedAuthPerMinute"] = "3" });
        using var client = Anonymous(host, cookies: true);
        for (int i = 0; i < 3; i++)
        {
            using var failed = await SignInAsync(client, "wrong");
            Assert.Equal("/dashboard/login?failed=1", failed.Headers.Location?.OriginalString);
        }
        using var blocked = await SignInAsync(client, HeraldHost.Token);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
    }

    [Fact]
    public async Task A_signed_out_dashboard_session_no_longer_works_even_when_its_cookie_is_replayed()
    {
        await using var host = await HeraldHost.StartAsync();
        using var browser = Anonymous(host, cookies: true);
        using var signedIn = await SignInAsync(browser, HeraldHost.Token);
        Assert.Equal("/dashboard", signedIn.Headers.Location?.OriginalString);
        string session = SessionCookie(signedIn);

        using var replay = Anonymous(host);
        Assert.Equal(HttpStatusCode.OK, await DashboardStatusAsync(replay, session));

        string home = await browser.GetStringAsync("/dashboard");
        string csrf = CsrfField().Match(home).Groups[1].Value;
        using var logout = await browser.PostAsync("/dashboard/logout", new FormUrlEncodedContent([new("_csrf", csrf)]));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, await DashboardStatusAsync(replay, session));
        // A node that never saw the sign-out (a fresh instance, nothing cached) refuses it too: the revocation is in the store.
        var otherNode = new Herald.Server.Dashboard.DashboardSession(
            host.Services.GetRequiredService<Herald.Server.Auth.AdminAuth>(), host.Services.GetRequiredService<Herald.Storage.IHeraldStore>(), TimeProvider.System);
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = "herald_session=" + session;
        Assert.True(otherNode.IsValid(http, session));
        await otherNode.CheckRevocationAsync(http);
        Assert.False(otherNode.IsValid(http, session));
    }

    [Fact]
    public async Task Forwarded_proto_is_honoured_only_from_configured_proxies()
    {
        await using (var untrusted = await HeraldHost.StartAsync())
        {
            using var client = Anonymous(untrusted, cookies: true);
            using var response = await SignInAsync(client, HeraldHost.Token, forwardedProto: "https");
            Assert.DoesNotContain("secure", SetCookie(response), StringComparison.OrdinalIgnoreCase);
        }
        await using var proxied = await HeraldHost.StartAsync(new() { ["Herald:Security:KnownProxies:0"] = "127.0.0.1" });
        using var behindProxy = Anonymous(proxied, cookies: true);
        using var secure = await SignInAsync(behindProxy, HeraldHost.Token, forwardedProto: "https");
        Assert.Contains("secure", SetCookie(secure), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_bad_proxy_setting_stops_the_server_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await (await HeraldHost.StartAsync(new() { ["Herald:Security:KnownNetworks:0"] = "not-a-network" })).DisposeAsync());
        Assert.Contains("Herald:Security:KnownNetworks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portal_links_ignore_the_Host_header_and_use_the_public_url_when_configured()
    {
        await using (var host = await HeraldHost.StartAsync())
        {
            string app = await host.CreateAppAsync("Shop", "shop");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/auth/app-portal-access/{app}") { Content = HeraldHost.Json(new { }) };
            request.Headers.Host = "evil.example";
            using var response = await host.Client.SendAsync(request);
            string url = (await HeraldHost.ReadAsync(response, 200))["url"]!.GetValue<string>();
            Assert.StartsWith(host.Client.BaseAddress!.ToString().TrimEnd('/') + "/portal/login?token=", url, StringComparison.Ordinal);
        }
        await using var configured = await HeraldHost.StartAsync(new() { ["Herald:PublicUrl"] = "https://hooks.example.com/" });
        string shop = await configured.CreateAppAsync("Shop", "shop");
        var access = await configured.PostAsync($"/api/v1/auth/app-portal-access/{shop}", new { }, 200);
        Assert.StartsWith("https://hooks.example.com/portal/login?token=hpt_", access["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_pages_carry_security_headers_and_nothing_secret_is_cached()
    {
        await using var host = await HeraldHost.StartAsync();
        using var client = Anonymous(host);
        using var page = await client.GetAsync("/dashboard/login");
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        string csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl?.NoStore);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        string app = await host.CreateAppAsync();
        var (endpoint, _) = await host.CreateEndpointAsync(app, "https://example.com/hook");
        using var secret = await host.Client.GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}/secret");
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        Assert.True(secret.Headers.CacheControl?.NoStore);
        using var portal = await host.Client.PostAsync($"/api/v1/auth/app-portal-access/{app}", HeraldHost.Json(new { }));
        Assert.True(portal.Headers.CacheControl?.NoStore);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string token, string? forwardedProto = null)
    {
        string login = await client.GetStringAsync("/dashboard/login");
        string csrf = CsrfField().Match(login).Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login")
        {
            Content = new FormUrlEncodedContent([new("_csrf", csrf), new("token", token)]),
        };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }
        return await client.SendAsync(request);
    }

    private static string SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? string.Join("\n", values.Where(v => v.StartsWith("herald_session=", StringComparison.Ordinal))) : "";

    private static string SessionCookie(HttpResponseMessage response) =>
        SetCookie(response).Split(';')[0]["herald_session=".Length..];

    private static async Task<HttpStatusCode> DashboardStatusAsync(HttpClient client, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Add("Cookie", "herald_session=" + session);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
