using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Api;

/// <summary>
/// What Svix's SDKs can tell on the wire: null written for nullable fields and list iterators, the legacy field names
/// of the 1.x line, deleteHeaders, replay-missing and the deprecated dashboard-access route.
/// </summary>
public sealed class SvixWireCompatibilityTests : IAsyncLifetime
{
    private HeraldHost _host = null!;
    private TestReceiver _receiver = null!;
    private string _app = "";

    public async Task InitializeAsync()
    {
        _host = await HeraldHost.StartAsync();
        _receiver = await TestReceiver.StartAsync();
        _app = await _host.CreateAppAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<string> RawAsync(string path)
    {
        using var response = await _host.Client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return text;
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object body, int expectedStatus)
    {
        using var request = new HttpRequestMessage(method, path) { Content = HeraldHost.Json(body) };
        using var response = await _host.Client.SendAsync(request);
        return await HeraldHost.ReadAsync(response, expectedStatus);
    }

    private static string[] Names(JsonNode? node) =>
        Assert.IsType<JsonArray>(node, exactMatch: false).Select(n => n!.GetValue<string>()).ToArray();

    [Fact]
    public async Task Every_list_writes_iterator_and_prevIterator_as_null_on_an_empty_page()
    {
        var empty = await _host.CreateAppAsync("Empty");
        await using var fresh = await HeraldHost.StartAsync();
        var (endpoint, _) = await _host.CreateEndpointAsync(_app, "https://example.com/hook", new { disabled = true });
        string message = await _host.SendAsync(empty, "a.b", new { });
        string[] lists =
        [
            $"/api/v1/app/{empty}/endpoint",
            $"/api/v1/app/{_app}/msg",
            $"/api/v1/app/{_app}/endpoint/{endpoint}/msg",
            $"/api/v1/app/{_app}/attempt/endpoint/{endpoint}",
            $"/api/v1/app/{empty}/attempt/msg/{message}",
            $"/api/v1/app/{empty}/msg/{message}/endpoint",
            "/api/v1/event-type",
        ];
        foreach (var path in lists)
        {
            string json = await RawAsync(path);
            Assert.True(json.Contains("\"data\":[]", StringComparison.Ordinal), $"{path}: {json}");
            Assert.True(json.Contains("\"iterator\":null", StringComparison.Ordinal) && json.Contains("\"prevIterator\":null", StringComparison.Ordinal), $"{path}: {json}");
        }
        using var apps = await fresh.Client.GetAsync("/api/v1/app");
        Assert.Equal("""{"data":[],"iterator":null,"prevIterator":null,"done":true}""", await apps.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Nullable_fields_are_written_as_null_and_herald_only_fields_are_left_out_when_empty()
    {
        string app = await RawAsync($"/api/v1/app/{_app}");
        Assert.Contains("\"uid\":null", app, StringComparison.Ordinal);
        Assert.Contains("\"throttleRate\":null", app, StringComparison.Ordinal);

        var (endpoint, _) = await _host.CreateEndpointAsync(_app, "https://example.com/hook");
        string ep = await RawAsync($"/api/v1/app/{_app}/endpoint/{endpoint}");
        foreach (var field in new[] { "uid", "eventTypes", "channels", "throttleRate" })
        {
            Assert.Contains($"\"{field}\":null", ep, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("disabledReason", ep, StringComparison.Ordinal);

        string msg = await _host.SendAsync(_app, "a.b", new { n = 1 });
        string message = await RawAsync($"/api/v1/app/{_app}/msg/{msg}");
        Assert.Contains("\"eventId\":null", message, StringComparison.Ordinal);
        Assert.Contains("\"channels\":null", message, StringComparison.Ordinal);
        await _host.PostAsync("/api/v1/event-type", new { name = "a.b", description = "x" }, 201);
        string eventType = await RawAsync("/api/v1/event-type/a.b");
        Assert.Contains("\"featureFlag\":null", eventType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Legacy_filterTypes_and_rateLimit_are_accepted_on_create_put_and_patch()
    {
        string path = $"/api/v1/app/{_app}/endpoint";
        var created = await _host.PostAsync(path, new { url = "https://example.com/hook", filterTypes = new[] { "payment.succeeded" }, rateLimit = 10 }, 201);
        Assert.Equal(["payment.succeeded"], Names(created["eventTypes"]));
        Assert.Equal(10, created["throttleRate"]!.GetValue<int>());
        string id = created["id"]!.GetValue<string>();

        var put = await SendAsync(HttpMethod.Put, $"{path}/{id}", new { url = "https://example.com/hook", filterTypes = new[] { "order.created" }, rateLimit = 20 }, 200);
        Assert.Equal(["order.created"], Names(put["eventTypes"]));
        Assert.Equal(20, put["throttleRate"]!.GetValue<int>());

        var patch = await SendAsync(HttpMethod.Patch, $"{path}/{id}", new { filterTypes = new[] { "a.b", "c.d" }, rateLimit = 30 }, 200);
        Assert.Equal(["a.b", "c.d"], Names(patch["eventTypes"]));
        Assert.Equal(30, patch["throttleRate"]!.GetValue<int>());
        var stored = await _host.GetAsync($"{path}/{id}");
        Assert.Equal(["a.b", "c.d"], Names(stored["eventTypes"]));
        Assert.Equal(30, stored["throttleRate"]!.GetValue<int>());

        var cleared = await SendAsync(HttpMethod.Patch, $"{path}/{id}", new { filterTypes = (string[]?)null, rateLimit = (int?)null }, 200);
        Assert.Null(cleared["eventTypes"]);
        Assert.Null(cleared["throttleRate"]);

        await _host.PostAsync(path, new { url = "https://example.com/hook", filterTypes = new[] { "bad type!" } }, 422);
        await _host.PostAsync(path, new { url = "https://example.com/hook", rateLimit = 0 }, 422);
    }

    [Fact]
    public async Task The_canonical_name_wins_when_an_alias_is_given_too()
    {
        string path = $"/api/v1/app/{_app}/endpoint";
        var created = await _host.PostAsync(path,
            new { url = "https://example.com/hook", eventTypes = new[] { "a.b" }, filterTypes = new[] { "x.y" }, throttleRate = 5, rateLimit = 50 }, 201);
        Assert.Equal(["a.b"], Names(created["eventTypes"]));
        Assert.Equal(5, created["throttleRate"]!.GetValue<int>());
        string id = created["id"]!.GetValue<string>();

        var put = await SendAsync(HttpMethod.Put, $"{path}/{id}",
            new { url = "https://example.com/hook", eventTypes = new[] { "c.d" }, filterTypes = new[] { "x.y" }, throttleRate = 6, rateLimit = 60 }, 200);
        Assert.Equal(["c.d"], Names(put["eventTypes"]));
        Assert.Equal(6, put["throttleRate"]!.GetValue<int>());

        // In a patch the canonical name wins even when it clears the field, and whichever comes first in the body.
        var patch = await SendAsync(HttpMethod.Patch, $"{path}/{id}",
            """{"filterTypes":["x.y"],"eventTypes":null,"rateLimit":70,"throttleRate":7}""", 200);
        Assert.Null(patch["eventTypes"]);
        Assert.Equal(7, patch["throttleRate"]!.GetValue<int>());
    }

    [Fact]
    public async Task Legacy_rateLimit_is_accepted_for_applications()
    {
        var created = await _host.PostAsync("/api/v1/app", new { name = "Legacy", rateLimit = 40 }, 201);
        Assert.Equal(40, created["throttleRate"]!.GetValue<int>());
        string id = created["id"]!.GetValue<string>();
        var put = await SendAsync(HttpMethod.Put, $"/api/v1/app/{id}", new { name = "Legacy", rateLimit = 41, throttleRate = 42 }, 200);
        Assert.Equal(42, put["throttleRate"]!.GetValue<int>());
        var patch = await SendAsync(HttpMethod.Patch, $"/api/v1/app/{id}", new { rateLimit = 43 }, 200);
        Assert.Equal(43, patch["throttleRate"]!.GetValue<int>());
        var viaMessage = await _host.PostAsync("/api/v1/app/legacy-shop/msg",
            new { eventType = "a.b", payload = new { }, application = new { name = "Legacy shop", rateLimit = 44 } }, 202);
        Assert.NotNull(viaMessage["id"]);
        Assert.Equal(44, (await _host.GetAsync("/api/v1/app/legacy-shop"))["throttleRate"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_endpoint_created_with_legacy_filterTypes_receives_only_those_event_types()
    {
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = _receiver.Url("/paid"), filterTypes = new[] { "payment.succeeded" } }, 201);
        string order = await _host.SendAsync(_app, "order.created", new { n = 1 });
        string paid = await _host.SendAsync(_app, "payment.succeeded", new { n = 2 });
        // Destinations are decided and stored when a message is accepted: order.created has none, so nothing more can arrive.
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/msg/{order}/endpoint"))["data"]!.AsArray());
        Assert.Single((await _host.GetAsync($"/api/v1/app/{_app}/msg/{paid}/endpoint"))["data"]!.AsArray());
        await _receiver.WaitForAsync(1);
        var only = Assert.Single(_receiver.Received);
        Assert.Equal(paid, only.Header("webhook-id"));
    }

    [Fact]
    public async Task Headers_patch_removes_headers_named_in_deleteHeaders_and_those_set_to_null()
    {
        var (id, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/h"));
        string path = $"/api/v1/app/{_app}/endpoint/{id}/headers";
        await SendAsync(HttpMethod.Put, path, new { headers = new Dictionary<string, string> { ["X-Keep"] = "1", ["X-Drop"] = "2", ["X-Null"] = "3", ["X-Case"] = "4" } }, 204);

        await SendAsync(HttpMethod.Patch, path,
            """{"headers":{"X-Added":"5","X-Null":null},"deleteHeaders":["X-Drop","x-case","X-Unknown"]}""", 204);
        var headers = (await _host.GetAsync(path))["headers"]!.AsObject();
        Assert.Equal(["X-Added", "X-Keep"], headers.Select(h => h.Key).Order());

        // deleteHeaders alone is a valid patch; a body with neither field is not, and changes nothing.
        await SendAsync(HttpMethod.Patch, path, new { deleteHeaders = new[] { "X-Added" } }, 204);
        Assert.Equal(["X-Keep"], (await _host.GetAsync(path))["headers"]!.AsObject().Select(h => h.Key));
        await SendAsync(HttpMethod.Patch, path, new { }, 422);
        await SendAsync(HttpMethod.Patch, path, """{"deleteHeaders":"X-Keep"}""", 400);
        Assert.Equal(["X-Keep"], (await _host.GetAsync(path))["headers"]!.AsObject().Select(h => h.Key));

        // Deliveries carry what is left.
        await _host.SendAsync(_app, "a.b", new { });
        await _receiver.WaitForAsync(1);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal("1", request.Header("x-keep"));
        Assert.Null(request.Header("x-drop"));
        Assert.Null(request.Header("x-added"));
    }

    [Fact]
    public async Task Replay_missing_resends_each_message_since_the_time_that_never_reached_the_endpoint()
    {
        var (early, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/early"));
        string old = await _host.SendAsync(_app, "payment.succeeded", new { n = 0 });
        await _receiver.WaitForAsync(1);
        await Task.Delay(50);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        string missed = await _host.SendAsync(_app, "payment.succeeded", new { n = 1 });
        string otherType = await _host.SendAsync(_app, "order.created", new { n = 2 });
        await _receiver.WaitForAsync(3);

        var (late, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/late"), new { eventTypes = new[] { "payment.succeeded" } });
        string after = await _host.SendAsync(_app, "payment.succeeded", new { n = 3 });
        await Eventually.WaitAsync(() => _receiver.Received.Any(r => r.Path == "/late"), what: "the late endpoint's first delivery");

        var task = await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{late}/replay-missing", new { since }, 202);
        Assert.Equal("endpoint.replay", task["task"]!.GetValue<string>());
        Assert.StartsWith("qtask_", task["id"]!.GetValue<string>(), StringComparison.Ordinal);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{early}/replay-missing", new { since = since.AddHours(-1) }, 202);

        await Eventually.WaitAsync(() => _receiver.Received.Count(r => r.Path == "/late") >= 2, what: "the replayed message");
        // Each replay stored its deliveries before answering 202: once every delivery to both endpoints has succeeded,
        // nothing more is on its way to either.
        foreach (string endpoint in new[] { early, late })
        {
            await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{_app}/endpoint/{endpoint}/msg"),
                m => m["data"]!.AsArray().All(x => x!["statusText"]!.GetValue<string>() == "success"), what: $"every delivery to {endpoint} to succeed");
        }
        Assert.Equal([after, missed], _receiver.Received.Where(r => r.Path == "/late").Select(r => r.Header("webhook-id")));
        // The endpoint that had everything gets nothing again.
        Assert.Equal(new[] { old, missed, otherType, after }.Order(), _receiver.Received.Where(r => r.Path == "/early").Select(r => r.Header("webhook-id")!).Order());
        var attempts = await _host.GetAsync($"/api/v1/app/{_app}/attempt/msg/{missed}?endpoint_id={late}");
        Assert.Equal(1, Assert.Single(attempts["data"]!.AsArray())!["triggerType"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replay_missing_needs_since_and_a_known_endpoint()
    {
        var (id, _) = await _host.CreateEndpointAsync(_app, _receiver.Url());
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{id}/replay-missing", new { }, 422);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{id}/replay-missing", new { since = "yesterday" }, 400);
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/ep_nope/replay-missing", new { since = DateTimeOffset.UtcNow }, 404);
    }

    [Fact]
    public async Task Dashboard_access_issues_a_portal_link_like_app_portal_access()
    {
        var other = await _host.CreateAppAsync("Other");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/auth/dashboard-access/{_app}");
        using var response = await _host.Client.SendAsync(request);
        var access = await HeraldHost.ReadAsync(response, 200);
        string token = access["token"]!.GetValue<string>();
        Assert.Contains("/portal/login?token=", access["url"]!.GetValue<string>(), StringComparison.Ordinal);

        using var portal = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        portal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await portal.GetAsync($"/api/v1/app/{_app}/endpoint")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await portal.GetAsync($"/api/v1/app/{other}/endpoint")).StatusCode);
        // Issuing links takes the admin token, not a portal token.
        Assert.Contains((int)(await portal.PostAsync($"/api/v1/auth/dashboard-access/{_app}", null)).StatusCode, new[] { 401, 403 });
        await _host.PostAsync("/api/v1/auth/dashboard-access/app_nope", new { }, 404);
    }
}
