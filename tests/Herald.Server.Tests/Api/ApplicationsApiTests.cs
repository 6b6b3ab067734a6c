using System.Net;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Api;

public sealed class ApplicationsApiTests : IAsyncLifetime
{
    private HeraldHost _host = null!;

    public async Task InitializeAsync() => _host = await HeraldHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_get_by_id_and_uid_update_patch_delete()
    {
        var created = await _host.PostAsync("/api/v1/app", new { name = "Chocolate shop", uid = "shop-1", metadata = new { tier = "gold" } }, 201);
        string id = created["id"]!.GetValue<string>();
        Assert.StartsWith("app_", id, StringComparison.Ordinal);
        Assert.Equal("gold", created["metadata"]!["tier"]!.GetValue<string>());
        Assert.EndsWith("Z", created["createdAt"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(id, (await _host.GetAsync("/api/v1/app/shop-1"))["id"]!.GetValue<string>());
        Assert.Equal("shop-1", (await _host.GetAsync($"/api/v1/app/{id}"))["uid"]!.GetValue<string>());

        using var put = await _host.Client.PutAsync($"/api/v1/app/{id}", HeraldHost.Json(new { name = "Renamed" }));
        var updated = await HeraldHost.ReadAsync(put, 200);
        Assert.Equal("Renamed", updated["name"]!.GetValue<string>());

        using var patch = await _host.Client.PatchAsync($"/api/v1/app/{id}", HeraldHost.Json(new { throttleRate = 10 }));
        var patched = await HeraldHost.ReadAsync(patch, 200);
        Assert.Equal(10, patched["throttleRate"]!.GetValue<int>());
        Assert.Equal("Renamed", patched["name"]!.GetValue<string>());

        using var delete = await _host.Client.DeleteAsync($"/api/v1/app/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var missing = await _host.GetAsync($"/api/v1/app/{id}", 404);
        Assert.Equal("not_found", missing["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_creates_when_missing_and_uses_the_path_as_uid()
    {
        using var put = await _host.Client.PutAsync("/api/v1/app/tenant-42", HeraldHost.Json(new { name = "Tenant 42" }));
        var created = await HeraldHost.ReadAsync(put, 201);
        Assert.Equal("tenant-42", created["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Duplicate_uid_is_a_conflict_and_get_if_exists_returns_the_existing_one()
    {
        var first = await _host.PostAsync("/api/v1/app", new { name = "A", uid = "same" }, 201);
        var conflict = await _host.PostAsync("/api/v1/app", new { name = "B", uid = "same" }, 409);
        Assert.Equal("conflict", conflict["code"]!.GetValue<string>());
        var existing = await _host.PostAsync("/api/v1/app?get_if_exists=true", new { name = "B", uid = "same" }, 200);
        Assert.Equal(first["id"]!.GetValue<string>(), existing["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_pages_with_limit_iterator_and_done()
    {
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await _host.CreateAppAsync($"app {i}"));
        }
        var seen = new List<string>();
        string? iterator = null;
        int pages = 0;
        while (true)
        {
            var page = await _host.GetAsync("/api/v1/app?limit=2" + (iterator is null ? "" : "&iterator=" + iterator));
            seen.AddRange(page["data"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
            pages++;
            if (page["done"]!.GetValue<bool>())
            {
                break;
            }
            iterator = page["iterator"]!.GetValue<string>();
        }
        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);

        var descending = await _host.GetAsync("/api/v1/app?order=descending&limit=250");
        Assert.Equal(Enumerable.Reverse(ids), descending["data"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Malformed_bodies_are_400_problems(string body)
    {
        using var response = await _host.Client.PostAsync("/api/v1/app", HeraldHost.Json(body));
        var problem = await HeraldHost.ReadAsync(response, 400);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Empty((await _host.GetAsync("/api/v1/app"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_fields_are_422_with_every_problem_listed()
    {
        var problem = await _host.PostAsync("/api/v1/app", new { uid = "has spaces", throttleRate = 0, name = new string('x', 300) }, 422);
        var locations = problem["detail"]!.AsArray().Select(d => string.Join('.', d!["loc"]!.AsArray().Select(l => l!.GetValue<string>()))).ToList();
        Assert.Contains("body.uid", locations);
        Assert.Contains("body.throttleRate", locations);
        Assert.Contains("body.name", locations);
        Assert.Empty((await _host.GetAsync("/api/v1/app"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("limit=1000")]
    [InlineData("order=sideways")]
    public async Task Bad_query_parameters_are_422(string query) => await _host.GetAsync("/api/v1/app?" + query, 422);

    [Fact]
    public async Task Unknown_routes_are_404_problems()
    {
        var problem = await _host.GetAsync("/api/v1/nothing-here", 404);
        Assert.Equal("not_found", problem["code"]!.GetValue<string>());
    }
}
