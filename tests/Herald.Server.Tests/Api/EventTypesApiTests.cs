using System.Net;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Api;

public sealed class EventTypesApiTests : IAsyncLifetime
{
    private HeraldHost _host = null!;

    public async Task InitializeAsync() => _host = await HeraldHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_get_list_update_patch_archive_and_expunge()
    {
        var created = await _host.PostAsync("/api/v1/event-type",
            new { name = "payment.succeeded", description = "A payment went through", schemas = new Dictionary<string, object> { ["1"] = new { type = "object" } } }, 201);
        Assert.Equal("payment.succeeded", created["name"]!.GetValue<string>());
        await _host.PostAsync("/api/v1/event-type", new { name = "payment.succeeded", description = "again" }, 409);

        Assert.Equal("A payment went through", (await _host.GetAsync("/api/v1/event-type/payment.succeeded"))["description"]!.GetValue<string>());
        using var put = await _host.Client.PutAsync("/api/v1/event-type/payment.failed", HeraldHost.Json(new { description = "Declined" }));
        await HeraldHost.ReadAsync(put, 201);
        using var patch = await _host.Client.PatchAsync("/api/v1/event-type/payment.failed", HeraldHost.Json(new { deprecated = true }));
        Assert.True((await HeraldHost.ReadAsync(patch, 200))["deprecated"]!.GetValue<bool>());

        Assert.Equal(2, (await _host.GetAsync("/api/v1/event-type"))["data"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync("/api/v1/event-type/payment.failed")).StatusCode);
        Assert.Single((await _host.GetAsync("/api/v1/event-type"))["data"]!.AsArray());
        Assert.Equal(2, (await _host.GetAsync("/api/v1/event-type?include_archived=true"))["data"]!.AsArray().Count);
        Assert.True((await _host.GetAsync("/api/v1/event-type/payment.failed"))["archived"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync("/api/v1/event-type/payment.failed?expunge=true")).StatusCode);
        await _host.GetAsync("/api/v1/event-type/payment.failed", 404);
    }

    [Fact]
    public async Task Invalid_names_and_missing_description_are_422()
    {
        await _host.PostAsync("/api/v1/event-type", new { name = "has space", description = "x" }, 422);
        await _host.PostAsync("/api/v1/event-type", new { name = "ok.name" }, 422);
        await _host.PostAsync("/api/v1/event-type", new { name = new string('a', 257), description = "x" }, 422);
        Assert.Empty((await _host.GetAsync("/api/v1/event-type?include_archived=true"))["data"]!.AsArray());
    }
}
