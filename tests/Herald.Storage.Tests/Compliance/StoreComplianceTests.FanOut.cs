using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task FanOut_FollowsEveryEndpointChange_BetweenMessages()
    {
        var app = await CreateAppAsync();
        var first = await CreateEndpointAsync(app.Id);
        Assert.Equal(1, (await SendAsync(app.Id)).Deliveries);

        var second = await CreateEndpointAsync(app.Id);
        Assert.Equal(2, (await SendAsync(app.Id)).Deliveries);

        await Store.UpdateEndpointAsync(first with { Disabled = true }, Ct);
        Assert.Equal(1, (await SendAsync(app.Id)).Deliveries);

        await Store.UpdateEndpointAsync(second with { EventTypes = ["order.shipped"] }, Ct);
        Assert.Equal(0, (await SendAsync(app.Id)).Deliveries);
        Assert.Equal(1, (await SendAsync(app.Id, eventType: "order.shipped")).Deliveries);

        await Store.DeleteEndpointAsync(app.Id, second.Id, Ct);
        Assert.Equal(0, (await SendAsync(app.Id, eventType: "order.shipped")).Deliveries);

        await Store.UpdateEndpointAsync(first with { Disabled = false }, Ct);
        Assert.Equal(1, (await SendAsync(app.Id)).Deliveries);
    }

    [Fact]
    public async Task FanOut_SkipsAnEndpointThatResultsDisabled()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        var due = await ClaimOneAsync(T0);
        Assert.Single(await RecordAsync(Result(due, T0.AddSeconds(1), DeliveryStatus.Fail, 410, EndpointHealth.Gone)));
        Assert.Equal(0, (await SendAsync(app.Id, T0.AddSeconds(2))).Deliveries);
    }

    [Fact]
    public async Task FanOut_StartsFromScratchForANewApplicationWithTheSameEndpointsGone()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        Assert.Equal(1, (await SendAsync(app.Id)).Deliveries);
        Assert.True(await Store.DeleteApplicationAsync(app.Id, Ct));
        await Store.CreateApplicationAsync(app, Ct);
        Assert.Equal(0, (await SendAsync(app.Id)).Deliveries);
    }

    [Fact]
    public async Task ClaimedMessage_ReturnsReadyDeliveries_ThatNoOneElseClaimsUntilTheLeaseEnds()
    {
        var app = await CreateAppAsync();
        var orders = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        await CreateEndpointAsync(app.Id, eventTypes: ["order.shipped"]);
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, T0), AppId = app.Id, EventType = Paid, Payload = Payload, CreatedAt = T0,
        };

        var handed = await Store.CreateMessageClaimedAsync(message, null, Lease, Ct);

        var delivery = Assert.Single(handed);
        Assert.Equal((message.Id, orders.Id, orders.Url, Payload, 0, T0 + Lease), (delivery.MsgId, delivery.EndpointId, delivery.Url, delivery.Payload, delivery.AttemptsMade, delivery.LeaseUntil));
        Assert.Equal(["whsec_current"], delivery.Secrets);
        Assert.Equal("corner", delivery.Headers["X-Shop"]);
        Assert.Empty(await ClaimAsync(T0 + Lease - TimeSpan.FromSeconds(1)));
        var reclaimed = Assert.Single(await ClaimAsync(T0 + Lease));
        Assert.Equal(delivery.DeliveryId, reclaimed.DeliveryId);

        await RecordAsync(Result(delivery, T0.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded));
        Assert.Single((await Store.ListAttemptsAsync(app.Id, Attempts() with { MsgId = message.Id }, Ct)).Data);
    }
}
