using System.Net;
using System.Text.Json;
using Herald.Testing;

namespace Herald.Client.Tests;

public sealed class ResourceTests
{
    private static JsonElement Payload(string id) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["paymentId"] = id });

    [Fact]
    public async Task Applications_create_get_list_update_getOrCreate_delete()
    {
        await using var host = await ClientHost.StartAsync();
        var apps = host.Client.Applications;
        var created = await apps.CreateAsync(new ApplicationIn { Name = "Shop", Uid = "shop-1" });
        Assert.StartsWith("app_", created.Id);
        Assert.Equal("Shop", (await apps.GetAsync("shop-1")).Name);
        var again = await apps.GetOrCreateAsync(new ApplicationIn { Name = "Other", Uid = "shop-1" });
        Assert.Equal(created.Id, again.Id);
        var updated = await apps.UpdateAsync(created.Id, new ApplicationIn { Name = "Shop 2", Uid = "shop-1", ThrottleRate = 5 });
        Assert.Equal(("Shop 2", 5), (updated.Name, updated.ThrottleRate));
        Assert.Equal([created.Id], await apps.ListAsync().Select(a => a.Id).ToListAsync());
        await apps.DeleteAsync("shop-1");
        var missing = await Assert.ThrowsAsync<HeraldApiException>(() => apps.GetAsync("shop-1"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task Ordered_endpoints_and_ordering_keys()
    {
        await using var host = await ClientHost.StartAsync();
        var c = host.Client;
        var app = await c.Applications.CreateAsync(new ApplicationIn { Name = "Shop" });
        var ordered = await c.Endpoints.CreateAsync(app.Id, new EndpointIn { Url = "http://127.0.0.1:9/ordered", Ordering = "key", OrderingOnExhaustion = "hold" });
        Assert.Equal(("key", "hold"), (ordered.Ordering, ordered.OrderingOnExhaustion));
        Assert.Equal("key", (await c.Endpoints.UpdateAsync(app.Id, ordered.Id, new EndpointIn { Url = "http://127.0.0.1:9/ordered" })).Ordering);
        var plain = await c.Endpoints.CreateAsync(app.Id, new EndpointIn { Url = "http://127.0.0.1:9/plain" });
        Assert.Null(plain.Ordering);
        var message = await c.Messages.CreateAsync(app.Id, new MessageIn { EventType = "payment.refunded", OrderingKey = "order-12345", Payload = Payload("pay_2") });
        Assert.StartsWith("msg_", message.Id);
        var bad = await Assert.ThrowsAsync<HeraldApiException>(() => c.Endpoints.CreateAsync(app.Id, new EndpointIn { Url = "http://127.0.0.1:9/x", Ordering = "fifo" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
    }

    [Fact]
    public async Task EventTypes_endpoints_messages_attempts_and_portal()
    {
        await using var host = await ClientHost.StartAsync();
        var c = host.Client;
        var type = await c.EventTypes.CreateAsync(new EventTypeIn { Name = "payment.succeeded", Description = "Paid" });
        Assert.Equal("payment.succeeded", type.Name);
        Assert.Equal("Paid now", (await c.EventTypes.UpdateAsync("payment.succeeded", new EventTypeIn { Description = "Paid now" })).Description);
        Assert.Equal(["payment.succeeded"], await c.EventTypes.ListAsync().Select(e => e.Name).ToListAsync());
        Assert.Equal("Paid now", (await c.EventTypes.GetAsync("payment.succeeded")).Description);

        var app = await c.Applications.CreateAsync(new ApplicationIn { Name = "Shop" });
        // Nothing listens on port 9 of 127.0.0.1; deliveries fail and are recorded as attempts.
        var endpoint = await c.Endpoints.CreateAsync(app.Id, new EndpointIn { Url = "http://127.0.0.1:9/hook", Uid = "store" });
        Assert.Equal("http://127.0.0.1:9/hook", (await c.Endpoints.GetAsync(app.Id, "store")).Url);
        Assert.Equal("Store", (await c.Endpoints.UpdateAsync(app.Id, "store", new EndpointIn { Url = "http://127.0.0.1:9/hook", Description = "Store" })).Description);
        Assert.Single(await c.Endpoints.ListAsync(app.Id).ToListAsync());

        string secret = (await c.Endpoints.GetSecretAsync(app.Id, endpoint.Id)).Key;
        Assert.StartsWith("whsec_", secret);
        await c.Endpoints.RotateSecretAsync(app.Id, endpoint.Id);
        Assert.NotEqual(secret, (await c.Endpoints.GetSecretAsync(app.Id, endpoint.Id)).Key);

        await c.Endpoints.UpdateHeadersAsync(app.Id, endpoint.Id, new EndpointHeadersIn { Headers = new Dictionary<string, string> { ["X-Shop"] = "1", ["X-Gone"] = "2" } });
        await c.Endpoints.PatchHeadersAsync(app.Id, endpoint.Id, new EndpointHeadersPatchIn { DeleteHeaders = ["X-Gone"] });
        Assert.Equal(new Dictionary<string, string> { ["X-Shop"] = "1" }, (await c.Endpoints.GetHeadersAsync(app.Id, endpoint.Id)).Headers);

        var message = await c.Messages.CreateAsync(app.Id, new MessageIn { EventType = "payment.succeeded", EventId = "pay_1", Channels = ["eu"], Payload = Payload("pay_1") });
        Assert.Equal(("pay_1", "pay_1"), (message.EventId, (await c.Messages.GetAsync(app.Id, message.Id)).Payload.GetProperty("paymentId").GetString()));
        Assert.Equal([message.Id], await c.Messages.ListAsync(app.Id, new MessageListOptions { Channel = "eu" }).Select(m => m.Id).ToListAsync());

        var attempts = await Eventually.WaitAsync(() => c.Attempts.ListByMessageAsync(app.Id, message.Id).ToListAsync().AsTask(), a => a.Count > 0, what: "an attempt");
        Assert.Equal(endpoint.Id, attempts[0].EndpointId);
        Assert.Equal(attempts[0].Id, (await c.Attempts.GetAsync(app.Id, message.Id, attempts[0].Id)).Id);
        Assert.NotEmpty(await c.Attempts.ListByEndpointAsync(app.Id, endpoint.Id).ToListAsync());
        Assert.Equal(endpoint.Id, (await c.Attempts.ListAttemptedDestinationsAsync(app.Id, message.Id).SingleAsync()).Id);
        Assert.Equal(message.Id, (await c.Attempts.ListAttemptedMessagesAsync(app.Id, endpoint.Id).SingleAsync()).Id);
        await c.Attempts.ResendAsync(app.Id, message.Id, endpoint.Id);

        var since = message.Timestamp.AddMinutes(-1);
        Assert.Equal("endpoint.recover", (await c.Endpoints.RecoverAsync(app.Id, endpoint.Id, new RecoverIn { Since = since })).Task);
        Assert.Equal("endpoint.replay", (await c.Endpoints.ReplayMissingAsync(app.Id, endpoint.Id, new ReplayIn { Since = since })).Task);

        var portal = await c.Authentication.AppPortalAccessAsync(app.Id, new AppPortalAccessIn { Expiry = 600 });
        Assert.Contains("/portal/login?token=", portal.Url);

        await c.Endpoints.DeleteAsync(app.Id, endpoint.Id);
        await c.EventTypes.DeleteAsync("payment.succeeded", expunge: true);
        Assert.Empty(await c.EventTypes.ListAsync(new EventTypeListOptions { IncludeArchived = true }).ToListAsync());
    }

    [Fact]
    public async Task Lists_follow_the_iterator_over_several_pages()
    {
        await using var host = await ClientHost.StartAsync();
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            ids.Add((await host.Client.Applications.CreateAsync(new ApplicationIn { Name = $"App {i}" })).Id);
        }
        var listed = await host.Client.Applications.ListAsync(new ListOptions { Limit = 2 }).Select(a => a.Id).ToListAsync();
        Assert.Equal(ids, listed);
        var newestFirst = await host.Client.Applications.ListAsync(new ListOptions { Limit = 3, Order = ListOrder.Descending }).Select(a => a.Id).ToListAsync();
        Assert.Equal(Enumerable.Reverse(ids), newestFirst);
    }
}
