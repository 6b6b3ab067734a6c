using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Ordering;

/// <summary>The ordering extension fields of the endpoint and message shapes, and the ordering routes.</summary>
public sealed class OrderingApiTests : IAsyncLifetime
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
    public async Task Ordering_is_set_at_creation_kept_by_a_put_without_it_and_changed_by_a_patch()
    {
        var created = await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://example.com/hook", ordering = "key", orderingOnExhaustion = "hold" }, 201);
        string id = created["id"]!.GetValue<string>();
        Assert.Equal(("key", "hold"), (created["ordering"]!.GetValue<string>(), created["orderingOnExhaustion"]!.GetValue<string>()));

        using var put = await _host.Client.PutAsync($"/api/v1/app/{_app}/endpoint/{id}", HeraldHost.Json(new { url = "https://example.com/v2" }));
        Assert.Equal("key", (await HeraldHost.ReadAsync(put, 200))["ordering"]!.GetValue<string>()); // a Svix client's PUT does not turn it off

        using var patch = await _host.Client.PatchAsync($"/api/v1/app/{_app}/endpoint/{id}", HeraldHost.Json(new { ordering = "none" }));
        var patched = await HeraldHost.ReadAsync(patch, 200);
        Assert.Null(patched["ordering"]);
        Assert.Null(patched["orderingOnExhaustion"]);
        var plain = await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://example.com/plain" }, 201);
        Assert.Null(plain["ordering"]);
    }

    [Fact]
    public async Task Bad_ordering_values_are_422_and_change_nothing()
    {
        var bad = await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://example.com/hook", ordering = "fifo", orderingOnExhaustion = "wait" }, 422);
        var fields = bad["detail"]!.AsArray().Select(d => d!["loc"]!.AsArray().Last()!.GetValue<string>()).ToList();
        Assert.Equal(["ordering", "orderingOnExhaustion"], fields);
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/endpoint"))["data"]!.AsArray());

        var endpoint = await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://example.com/hook", ordering = "endpoint" }, 201);
        string id = endpoint["id"]!.GetValue<string>();
        using var patch = await _host.Client.PatchAsync($"/api/v1/app/{_app}/endpoint/{id}", HeraldHost.Json(new { ordering = 3 }));
        Assert.Equal(422, (int)patch.StatusCode);
        using var patch2 = await _host.Client.PatchAsync($"/api/v1/app/{_app}/endpoint/{id}", HeraldHost.Json(new { ordering = "sometimes" }));
        Assert.Equal(422, (int)patch2.StatusCode);
        Assert.Equal("endpoint", (await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}"))["ordering"]!.GetValue<string>());

        await _host.PostAsync($"/api/v1/app/{_app}/msg", new { eventType = "order.updated", orderingKey = new string('k', 257), payload = new { } }, 422);
        await _host.PostAsync($"/api/v1/app/{_app}/msg", new { eventType = "order.updated", orderingKey = "", payload = new { } }, 422);
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/msg"))["data"]!.AsArray());
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{id}/ordering/skip", new { key = "" }, 422);
    }

    [Fact]
    public async Task A_fresh_ordered_endpoint_has_no_blocked_key_and_nothing_to_skip()
    {
        var endpoint = await _host.PostAsync($"/api/v1/app/{_app}/endpoint", new { url = "https://example.com/hook", ordering = "channel" }, 201);
        string id = endpoint["id"]!.GetValue<string>();

        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{id}/ordering/blocked"))["data"]!.AsArray());
        Assert.Equal(0, (await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{id}/ordering/skip", new { }, 200))["skipped"]!.GetValue<int>());
        await _host.GetAsync($"/api/v1/app/{_app}/endpoint/ep_unknown/ordering/blocked", 404);
    }
}
