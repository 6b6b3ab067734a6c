using System.Net;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Api;

public sealed class MessagesApiTests : IAsyncLifetime
{
    private HeraldHost _host = null!;
    private string _app = "";

    public async Task InitializeAsync()
    {
        // No endpoints reachable in these tests: deliveries are not the subject here.
        _host = await HeraldHost.StartAsync();
        _app = await _host.CreateAppAsync(uid: "shop");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_returns_202_with_the_message_and_it_can_be_read_by_id_or_event_id()
    {
        var created = await _host.PostAsync($"/api/v1/app/{_app}/msg",
            new { eventType = "payment.succeeded", eventId = "pay_123", payload = new { orderId = "12345", amount = 2700 }, channels = new[] { "eu" } }, 202);
        string id = created["id"]!.GetValue<string>();
        Assert.StartsWith("msg_", id, StringComparison.Ordinal);
        Assert.Equal(2700, created["payload"]!["amount"]!.GetValue<int>());

        Assert.Equal(id, (await _host.GetAsync($"/api/v1/app/shop/msg/pay_123"))["id"]!.GetValue<string>());
        var withoutContent = await _host.GetAsync($"/api/v1/app/{_app}/msg/{id}?with_content=false");
        Assert.Empty(withoutContent["payload"]!.AsObject());
    }

    [Fact]
    public async Task A_duplicate_event_id_in_the_same_app_is_409_but_fine_in_another_app()
    {
        await _host.SendAsync(_app, "a.b", new { }, new { eventId = "evt-1" });
        var conflict = await _host.PostAsync($"/api/v1/app/{_app}/msg", new { eventType = "a.b", eventId = "evt-1", payload = new { } }, 409);
        Assert.Equal("conflict", conflict["code"]!.GetValue<string>());
        string other = await _host.CreateAppAsync("Other");
        await _host.SendAsync(other, "a.b", new { }, new { eventId = "evt-1" });
        Assert.Single((await _host.GetAsync($"/api/v1/app/{_app}/msg"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"eventType\":\"bad type\",\"payload\":{}}")]
    [InlineData("{\"eventType\":\"a.b\"}")]
    [InlineData("{\"eventType\":\"a.b\",\"payload\":[1,2]}")]
    [InlineData("{\"eventType\":\"a.b\",\"payload\":\"text\"}")]
    [InlineData("{\"payload\":{}}")]
    [InlineData("{\"eventType\":\"a.b\",\"payload\":{},\"channels\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}")]
    [InlineData("{\"eventType\":\"a.b\",\"payload\":{},\"eventId\":\"has space\"}")]
    public async Task Invalid_messages_are_422_and_store_nothing(string body)
    {
        using var response = await _host.Client.PostAsync($"/api/v1/app/{_app}/msg", HeraldHost.Json(body));
        await HeraldHost.ReadAsync(response, 422);
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/msg"))["data"]!.AsArray());
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_413()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:MaxPayloadBytes"] = "2048" });
        string app = await host.CreateAppAsync();
        var big = await host.PostAsync($"/api/v1/app/{app}/msg", new { eventType = "a.b", payload = new { blob = new string('x', 4096) } }, 413);
        Assert.Equal("payload_too_large", big["code"]!.GetValue<string>());
        // A body far over the limit is refused from its Content-Length, before it is read.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/app/{app}/msg")
        {
            Content = HeraldHost.Json(new { eventType = "a.b", payload = new { blob = new string('x', 600_000) } }),
        };
        request.Headers.ExpectContinue = true;
        using var huge = await host.Client.SendAsync(request);
        Assert.Equal(413, (int)huge.StatusCode);
        await host.PostAsync($"/api/v1/app/{app}/msg", new { eventType = "a.b", payload = new { blob = new string('x', 1000) } }, 202);
        Assert.Single((await host.GetAsync($"/api/v1/app/{app}/msg"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Sending_to_an_unknown_app_is_404_unless_the_application_is_given()
    {
        await _host.PostAsync("/api/v1/app/new-tenant/msg", new { eventType = "a.b", payload = new { } }, 404);
        await _host.PostAsync("/api/v1/app/new-tenant/msg", new { eventType = "a.b", payload = new { }, application = new { name = "New tenant" } }, 202);
        Assert.Equal("new-tenant", (await _host.GetAsync("/api/v1/app/new-tenant"))["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_filters_by_event_type_channel_and_time_newest_first()
    {
        var first = await _host.SendAsync(_app, "order.created", new { n = 1 }, new { channels = new[] { "eu" } });
        var second = await _host.SendAsync(_app, "order.paid", new { n = 2 }, new { channels = new[] { "us" } });
        var third = await _host.SendAsync(_app, "order.created", new { n = 3 });
        Assert.Equal([third, second, first], Ids(await _host.GetAsync($"/api/v1/app/{_app}/msg")));
        Assert.Equal([third, first], Ids(await _host.GetAsync($"/api/v1/app/{_app}/msg?event_types=order.created")));
        Assert.Equal([second], Ids(await _host.GetAsync($"/api/v1/app/{_app}/msg?channel=us")));
        Assert.Empty(Ids(await _host.GetAsync($"/api/v1/app/{_app}/msg?before=2000-01-01T00:00:00Z")));
        await _host.GetAsync($"/api/v1/app/{_app}/msg?before=yesterday", 422);
    }

    [Fact]
    public async Task Expunging_content_removes_the_payload()
    {
        string id = await _host.SendAsync(_app, "a.b", new { card = "4242" });
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/api/v1/app/{_app}/msg/{id}/content")).StatusCode);
        Assert.Empty((await _host.GetAsync($"/api/v1/app/{_app}/msg/{id}"))["payload"]!.AsObject());
    }

    [Fact]
    public async Task Ids_of_one_application_are_not_found_through_another()
    {
        string other = await _host.CreateAppAsync("Other tenant");
        string msg = await _host.SendAsync(_app, "a.b", new { });
        var (endpoint, _) = await _host.CreateEndpointAsync(_app, "https://example.com/x");
        await _host.GetAsync($"/api/v1/app/{other}/msg/{msg}", 404);
        await _host.GetAsync($"/api/v1/app/{other}/endpoint/{endpoint}", 404);
        await _host.GetAsync($"/api/v1/app/{other}/endpoint/{endpoint}/secret", 404);
        await _host.GetAsync($"/api/v1/app/{other}/attempt/msg/{msg}", 404);
        await _host.PostAsync($"/api/v1/app/{other}/msg/{msg}/endpoint/{endpoint}/resend", new { }, 404);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.DeleteAsync($"/api/v1/app/{other}/endpoint/{endpoint}")).StatusCode);
        await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{endpoint}");
    }

    private static List<string> Ids(JsonNode page) => page["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
}
