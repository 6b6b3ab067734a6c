using System.Net;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Api;

public sealed class EndpointsApiTests : IAsyncLifetime
{
    private HeraldHost _host = null!;
    private string _app = "";

    public async Task InitializeAsync()
    {
        _host = await HeraldHost.StartAsync();
        _app = await _host.CreateAppAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_get_list_update_patch_delete()
    {
        var created = await _host.PostAsync($"/api/v1/app/{_app}/endpoint",
            new { url = "https://example.com/hook", uid = "main", description = "Orders", eventTypes = new[] { "payment.succeeded" }, channels = new[] { "eu" } }, 201);
        string id = created["id"]!.GetValue<string>();
        Assert.StartsWith("ep_", id, StringComparison.Ordinal);
        Assert.False(created["disabled"]!.GetValue<bool>());
        Assert.Equal(id, (await _host.GetAsync($"/api/v1/app/{_app}/endpoint/main"))["id"]!.GetValue<string>());
        Assert.Single((await _host.GetAsync($"/api/v1/app/{_app}/endpoint"))["data"]!.AsArray());

        using var put = await _host.Client.PutAsync($"/api/v1/app/{_app}/endpoint/{id}", HeraldHost.Json(new { url = "https://example.com/v2" }));
        var updated = await HeraldHost.ReadAsync(put, 200);
        Assert.Equal("https://example.com/v2", updated["url"]!.GetValue<string>());
        Assert.Null(updated["eventTypes"]);

        using var patch = await _host.Client.PatchAsync($"/api/v1/app/{_app}/endpoint/{id}", HeraldHost.Json(new { disabled = true, description = "paused" }));
        var patched = await HeraldHost.ReadAsync(patch, 200);
        Assert.True(patched["disabled"]!.GetValue<bool>());
        Assert.Equal("https://example.com/v2", patched["url"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/api/v1/app/{_app}/endpoint/{id}")).StatusCode);
        await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}", 404);
    }

    [Theory]
    [InlineData("ftp://example.com/x")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("http://user:pass@example.com/")]
    [InlineData("javascript:alert(1)")]
    public async Task Invalid_urls_are_422_and_create_nothing(string url)
    {
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url }, 422);
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/endpoint"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_filters_and_secrets_are_422()
    {
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://e.com", eventTypes = new[] { "bad type!" } }, 422);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://e.com", channels = Enumerable.Range(0, 11).Select(i => $"c{i}") }, 422);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://e.com", secret = "short" }, 422);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://e.com", eventTypes = new[] { "a", "a" } }, 422);
    }

    [Fact]
    public async Task A_given_secret_is_kept_and_rotation_replaces_it()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var (id, key) = await _host.CreateEndpointAsync(_app, "https://example.com/hook", new { secret });
        Assert.Equal(secret, key);
        using var rotate = await _host.Client.PostAsync($"/api/v1/app/{_app}/endpoint/{id}/secret/rotate", HeraldHost.Json(new { }));
        Assert.Equal(HttpStatusCode.NoContent, rotate.StatusCode);
        string rotated = (await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}/secret"))["key"]!.GetValue<string>();
        Assert.NotEqual(secret, rotated);
        Assert.StartsWith("whsec_", rotated, StringComparison.Ordinal);

        const string chosen = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        using var rotateTo = await _host.Client.PostAsync($"/api/v1/app/{_app}/endpoint/{id}/secret/rotate", HeraldHost.Json(new { key = chosen }));
        Assert.Equal(HttpStatusCode.NoContent, rotateTo.StatusCode);
        Assert.Equal(chosen, (await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}/secret"))["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Headers_can_be_set_patched_and_read_with_sensitive_values_hidden()
    {
        var (id, _) = await _host.CreateEndpointAsync(_app, "https://example.com/hook");
        using var put = await _host.Client.PutAsync($"/api/v1/app/{_app}/endpoint/{id}/headers",
            HeraldHost.Json(new { headers = new Dictionary<string, string> { ["X-Shop"] = "lindt", ["Authorization"] = "Bearer abc" } }));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var patch = await _host.Client.PatchAsync($"/api/v1/app/{_app}/endpoint/{id}/headers",
            HeraldHost.Json(new { headers = new Dictionary<string, string?> { ["X-Shop"] = null, ["X-Region"] = "eu" } }));
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        var headers = await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}/headers");
        Assert.Null(headers["headers"]!["X-Shop"]);
        Assert.Equal("eu", headers["headers"]!["X-Region"]!.GetValue<string>());
        Assert.Null(headers["headers"]!["Authorization"]);
        Assert.Contains("Authorization", headers["sensitive"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Theory]
    [InlineData("webhook-signature")]
    [InlineData("svix-id")]
    [InlineData("Host")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Content-Length")]
    [InlineData("Bad Header")]
    public async Task Reserved_or_invalid_header_names_are_refused(string name)
    {
        var (id, _) = await _host.CreateEndpointAsync(_app, "https://example.com/hook");
        using var put = await _host.Client.PutAsync($"/api/v1/app/{_app}/endpoint/{id}/headers",
            HeraldHost.Json(new { headers = new Dictionary<string, string> { [name] = "x" } }));
        await HeraldHost.ReadAsync(put, 422);
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}/headers"))["headers"]!.AsObject());
    }

    [Fact]
    public async Task Stats_count_deliveries_by_state()
    {
        var (id, _) = await _host.CreateEndpointAsync(_app, "https://example.com/hook", new { disabled = true });
        var stats = await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}/stats");
        foreach (var field in new[] { "success", "pending", "fail", "sending", "canceled" })
        {
            Assert.Equal(0, stats[field]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task Unknown_app_or_endpoint_is_404()
    {
        await _host.GetAsync("/api/v1/app/app_doesnotexist/endpoint", 404);
        await _host.GetAsync($"/api/v1/app/{_app}/endpoint/ep_nope", 404);
        await _host.GetAsync($"/api/v1/app/{_app}/endpoint/ep_nope/secret", 404);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/ep_nope/recover", new { since = "2026-01-01T00:00:00Z" }, 404);
    }
}
