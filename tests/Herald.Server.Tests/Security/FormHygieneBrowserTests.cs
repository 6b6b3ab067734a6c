using Herald.Server.Tests.Dashboard;
using Herald.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Herald.Server.Tests.Security;

/// <summary>
/// The dashboard's and the portal's forms in headless Chromium refuse what the API refuses: the refusal is shown on
/// the form's page (never a 500) and nothing is stored. Hostile values are put into the fields with script, the way
/// a consumer with a portal link could, or posted with the page's own session and CSRF token where a browser would
/// rewrite them (a bare CR in a textarea).
/// </summary>
public sealed class FormHygieneBrowserTests(BrowserFixture chromium) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private HeraldHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await HeraldHost.StartAsync(new() { ["Herald:Limits:EndpointsPerApp"] = "2", ["Herald:Limits:HeadersPerEndpoint"] = "64" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_dashboards_create_application_form_refuses_a_bad_uid_and_a_nul_byte()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(90_000); // the full suite keeps both cores busy
        await page.GotoAsync("/dashboard/login");
        await page.FillAsync("input[name=token]", HeraldHost.Token);
        await page.ClickAsync("button[type=submit]");

        await page.FillAsync("input[name=name]", "Shop");
        await page.FillAsync("input[name=uid]", "not a uid!");
        var response = await SubmitAsync(page, "form[action='/dashboard/apps']");
        Assert.Equal(200, response.Status);
        Assert.Contains("uid", await page.InnerTextAsync("#form-error"), StringComparison.Ordinal);

        response = await SetAndSubmitAsync(page, "form[action='/dashboard/apps']", "f => { f.name.value = 'Shop\\u0000'; f.uid.value = ''; }");
        Assert.Equal(200, response.Status);
        Assert.Contains("name", await page.InnerTextAsync("#form-error"), StringComparison.Ordinal);

        response = await SetAndSubmitAsync(page, "form[action='/dashboard/apps']", "f => { f.name.value = 'Shop'; f.uid.value = 'shop\\u0007'; }");
        Assert.Equal(200, response.Status);
        Assert.Contains("uid", await page.InnerTextAsync("#form-error"), StringComparison.Ordinal);

        Assert.Empty((await _host.GetAsync("/api/v1/app"))["data"]!.AsArray());
    }

    [Fact]
    public async Task The_portals_endpoint_forms_refuse_hostile_urls_headers_and_too_many_endpoints()
    {
        string app = await _host.CreateAppAsync("Shop P");
        string link = (await _host.PostAsync($"/api/v1/auth/app-portal-access/{app}", new { }, 200))["url"]!.GetValue<string>();
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Client.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(90_000); // the full suite keeps both cores busy
        await page.GotoAsync(link);
        await page.WaitForURLAsync("**/portal");
        const string AddForm = "form[action='/portal/endpoint']";

        foreach (var (url, field) in new[]
        {
            ("https://a.example.com/hook\\u0000", "url"),
            ("https://user:secret@a.example.com/hook", "url"),
            ("https://a.example.com/" + new string('a', 70_000), "url"),
        })
        {
            var refused = await SetAndSubmitAsync(page, AddForm, $"f => {{ f.url.value = '{url}'; }}");
            Assert.Equal(200, refused.Status);
            Assert.Contains(field, await page.InnerTextAsync("#form-error"), StringComparison.OrdinalIgnoreCase);
        }
        var badDescription = await SetAndSubmitAsync(page, AddForm, "f => { f.url.value = 'https://a.example.com/hook'; f.description.value = 'x'.repeat(100000); }");
        Assert.Equal(200, badDescription.Status);
        Assert.Contains("description", await page.InnerTextAsync("#form-error"), StringComparison.OrdinalIgnoreCase);
        var badEventType = await SetAndSubmitAsync(page, AddForm, "f => { f.url.value = 'https://a.example.com/hook'; f.description.value = ''; f.eventTypes.value = 'order paid!'; }");
        Assert.Equal(200, badEventType.Status);
        Assert.NotEmpty(await page.InnerTextAsync("#form-error"));
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{app}/endpoint"))["data"]!.AsArray());

        await page.FillAsync($"{AddForm} input[name=url]", "https://a.example.com/one");
        await page.FillAsync($"{AddForm} input[name=eventTypes]", "");
        await SubmitAsync(page, AddForm);
        Assert.Contains("Endpoint created", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        string endpointPage = page.Url;
        string headersForm = $"form[action='{new Uri(endpointPage).AbsolutePath}/headers']";

        // 65 headers: one more than Herald:Limits:HeadersPerEndpoint.
        string tooMany = string.Join("\\n", Enumerable.Range(0, 65).Select(i => $"X-H{i}: v"));
        var refusedHeaders = await SetAndSubmitAsync(page, headersForm, $"f => {{ f.headers.value = '{tooMany}'; }}");
        Assert.Equal(200, refusedHeaders.Status);
        Assert.Contains("header", await page.InnerTextAsync("#form-error"), StringComparison.OrdinalIgnoreCase);

        var nulHeader = await SetAndSubmitAsync(page, headersForm, "f => { f.headers.value = 'X-Nul: a\\u0000b'; }");
        Assert.Equal(200, nulHeader.Status);
        Assert.NotEmpty(await page.InnerTextAsync("#form-error"));

        // A bare CR cannot be typed into a textarea (the browser sends line breaks as CRLF), so it is posted with the
        // page's own cookie and CSRF token.
        string csrf = await page.GetAttributeAsync($"{headersForm} input[name=_csrf]", "value") ?? "";
        var posted = await context.APIRequest.PostAsync(new Uri(endpointPage).AbsolutePath + "/headers", new APIRequestContextOptions
        {
            Form = context.APIRequest.CreateFormData().Set("_csrf", csrf).Set("headers", "X-CR: a\rInjected-CR: yes"),
        });
        Assert.Equal(200, posted.Status);
        Assert.Contains("Not saved", await posted.TextAsync(), StringComparison.Ordinal);

        string endpointId = new Uri(endpointPage).AbsolutePath.Split('/')[^1];
        var stored = await _host.GetAsync($"/api/v1/app/{app}/endpoint/{endpointId}/headers");
        Assert.Empty(stored["headers"]!.AsObject());

        await page.GotoAsync("/portal");
        await page.FillAsync($"{AddForm} input[name=url]", "https://a.example.com/two");
        await SubmitAsync(page, AddForm);
        Assert.Contains("Endpoint created", await page.InnerTextAsync("#notice"), StringComparison.Ordinal);
        await page.GotoAsync("/portal");
        await page.FillAsync($"{AddForm} input[name=url]", "https://a.example.com/three");
        var full = await SubmitAsync(page, AddForm);
        Assert.Equal(200, full.Status);
        Assert.Contains("EndpointsPerApp", await page.InnerTextAsync("#form-error"), StringComparison.Ordinal);
        Assert.Equal(2, (await _host.GetAsync($"/api/v1/app/{app}/endpoint"))["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_api_refuses_the_third_endpoint_with_a_problem_naming_the_limit()
    {
        string app = await _host.CreateAppAsync("Shop L");
        await _host.CreateEndpointAsync(app, "https://a.example.com/1");
        await _host.CreateEndpointAsync(app, "https://a.example.com/2");
        var problem = await _host.PostAsync($"/api/v1/app/{app}/endpoint", new { url = "https://a.example.com/3" }, 422);
        Assert.Contains("EndpointsPerApp", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(2, (await _host.GetAsync($"/api/v1/app/{app}/endpoint"))["data"]!.AsArray().Count);
    }

    /// <summary>Submits the form as a click would and returns the answer of the page it lands on.</summary>
    private static async Task<IResponse> SubmitAsync(IPage page, string form)
    {
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync($"{form} button[type=submit]"), Landed);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return response;
    }

    /// <summary>Sets fields with script (bypassing the browser's own checks, as a hostile user would) and submits.</summary>
    private static async Task<IResponse> SetAndSubmitAsync(IPage page, string form, string setFields)
    {
        var response = await page.RunAndWaitForResponseAsync(() =>
            page.EvalOnSelectorAsync(form, $"f => {{ ({setFields})(f); HTMLFormElement.prototype.submit.call(f); }}"), Landed);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return response;
    }

    /// <summary>The answer of the page a form post ends on, after any redirect.</summary>
    private static bool Landed(IResponse r) => r.Request.IsNavigationRequest && r.Status is < 300 or >= 400;
}
