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
}
