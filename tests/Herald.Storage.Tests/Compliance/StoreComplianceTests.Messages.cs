using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Message_IsFoundByIdAndByEventId_WithinItsAppOnly()
    {
        var app = await CreateAppAsync();
        var stranger = await CreateAppAsync();
        var (message, _) = await SendAsync(app.Id, channels: ["eu", "vip"], eventId: "order-27");

        foreach (var key in new[] { message.Id, "order-27" })
        {
            var found = await Store.GetMessageAsync(app.Id, key, Ct);
            Assert.NotNull(found);
            Assert.Equal((message.Id, app.Id, Paid, "order-27", Payload, T0), (found.Id, found.AppId, found.EventType, found.EventId, found.Payload, found.CreatedAt));
            Assert.Equal(["eu", "vip"], found.Channels);
            Assert.Null(await Store.GetMessageAsync(stranger.Id, key, Ct));
        }
        Assert.False(await Store.ExpungeMessageContentAsync(stranger.Id, message.Id, Ct));
        Assert.Empty((await Store.ListMessagesAsync(stranger.Id, Messages(), Ct)).Data);
    }

    [Fact]
    public async Task Message_EventIdIsUniquePerApp_AndAConflictQueuesNothing()
    {
        var app = await CreateAppAsync();
        var other = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await CreateEndpointAsync(other.Id);
        await SendAsync(app.Id, eventId: "order-27");
        await SendAsync(app.Id); // several messages without eventId are fine
        await SendAsync(app.Id);

        await Assert.ThrowsAsync<DuplicateException>(() => SendAsync(app.Id, T0.AddSeconds(1), eventId: "order-27"));
        var (elsewhere, deliveries) = await SendAsync(other.Id, T0.AddSeconds(2), eventId: "order-27");

        Assert.Equal(1, deliveries);
        Assert.Equal(elsewhere.Id, (await Store.GetMessageAsync(other.Id, "order-27", Ct))?.Id);
        Assert.Equal(3, (await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data.Count);
        Assert.Equal(3, (await Store.GetEndpointStatsAsync(app.Id, endpoint.Id, null, null, Ct)).Pending);
    }

    [Fact]
    public async Task CreateMessage_FansOutToEnabledEndpointsWhoseFiltersAccept()
    {
        var app = await CreateAppAsync();
        var stranger = await CreateAppAsync();
        var all = await CreateEndpointAsync(app.Id);
        var paidOnly = await CreateEndpointAsync(app.Id, eventTypes: [Paid, "invoice.voided"]);
        await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var eu = await CreateEndpointAsync(app.Id, channels: ["eu"]);
        await CreateEndpointAsync(app.Id, channels: ["us"]);
        await CreateEndpointAsync(app.Id, disabled: true);
        await CreateEndpointAsync(stranger.Id);

        var (toEu, euCount) = await SendAsync(app.Id, channels: ["eu", "asia"]);
        var (noChannel, plainCount) = await SendAsync(app.Id, T0.AddSeconds(1));

        Assert.Equal(3, euCount);
        Assert.Equal(Ids(all, paidOnly, eu), await DestinationsAsync(app.Id, toEu.Id));
        Assert.Equal(2, plainCount);
        Assert.Equal(Ids(all, paidOnly), await DestinationsAsync(app.Id, noChannel.Id));
        Assert.All((await Store.ListMessageDestinationsAsync(app.Id, toEu.Id, new PageRequest(10), Ct)).Data,
            d => Assert.Equal((DeliveryStatus.Pending, (DateTimeOffset?)T0), (d.Status, d.NextAttempt)));
    }

    [Fact]
    public async Task CreateMessage_ToOneEndpoint_IgnoresFiltersButNotDisabling()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var voidedOnly = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var disabled = await CreateEndpointAsync(app.Id, disabled: true);

        var (message, count) = await SendAsync(app.Id, onlyEndpointId: voidedOnly.Id);
        var (_, toDisabled) = await SendAsync(app.Id, T0.AddSeconds(1), onlyEndpointId: disabled.Id);

        Assert.Equal(1, count);
        Assert.Equal(Ids(voidedOnly), await DestinationsAsync(app.Id, message.Id));
        Assert.Equal(0, toDisabled);
    }

    [Fact]
    public async Task ExpungeMessageContent_RemovesThePayload()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var (message, _) = await SendAsync(app.Id);

        Assert.True(await Store.ExpungeMessageContentAsync(app.Id, message.Id, Ct));

        Assert.Null((await Store.GetMessageAsync(app.Id, message.Id, Ct))?.Payload);
        Assert.Equal("{}", (await ClaimOneAsync(T0)).Payload);
    }

    [Fact]
    public async Task ListMessages_FiltersByChannelEventTypeAndTime()
    {
        var app = await CreateAppAsync();
        var (m1, _) = await SendAsync(app.Id, T0, channels: ["eu"]);
        var (m2, _) = await SendAsync(app.Id, T0.AddMinutes(1), "invoice.voided", channels: ["us", "eu"]);
        var (m3, _) = await SendAsync(app.Id, T0.AddMinutes(2), "invoice.created");
        var (m4, _) = await SendAsync(app.Id, T0.AddMinutes(3), channels: ["us"]);

        Assert.Equal(Ids(m1, m2), await MessageIdsAsync(app.Id, Messages() with { Channel = "eu" }));
        Assert.Equal(Ids(m2, m3), await MessageIdsAsync(app.Id, Messages() with { EventTypes = ["invoice.voided", "invoice.created"] }));
        Assert.Equal(Ids(m2, m3), await MessageIdsAsync(app.Id, Messages() with { After = T0, Before = T0.AddMinutes(3) }));
        Assert.Equal(Ids(m4), await MessageIdsAsync(app.Id, Messages() with { Channel = "us", EventTypes = [Paid] }));
        Assert.Empty(await MessageIdsAsync(app.Id, Messages() with { Channel = "asia" }));
        Assert.All((await Store.ListMessagesAsync(app.Id, Messages() with { WithContent = false }, Ct)).Data, m => Assert.Null(m.Payload));
        Assert.All((await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data, m => Assert.Equal(Payload, m.Payload));
    }

    [Fact]
    public async Task ListEndpointMessages_ShowsEachMessagesStateAtTheEndpoint_FilteredByStatus()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        var (delivered, _) = await SendAsync(app.Id, T0);
        var (retrying, _) = await SendAsync(app.Id, T0.AddSeconds(1), channels: ["eu"]);
        var claimed = await ClaimAsync(T0.AddSeconds(1));
        await RecordAsync(
            Result(claimed[0], T0.AddSeconds(2), DeliveryStatus.Success, 200, EndpointHealth.Succeeded),
            Result(claimed[1], T0.AddSeconds(2), DeliveryStatus.Pending, 500, EndpointHealth.Failed, T0.AddMinutes(5)));

        var all = (await Store.ListEndpointMessagesAsync(app.Id, endpoint.Id, Messages(), Ct)).Data;
        var pending = (await Store.ListEndpointMessagesAsync(app.Id, endpoint.Id, Messages() with { Status = DeliveryStatus.Pending }, Ct)).Data;
        var eu = (await Store.ListEndpointMessagesAsync(app.Id, endpoint.Id, Messages() with { Channel = "eu", WithContent = false }, Ct)).Data;

        Assert.Equal([(delivered.Id, DeliveryStatus.Success, (DateTimeOffset?)null), (retrying.Id, DeliveryStatus.Pending, T0.AddMinutes(5))],
            all.Select(m => (m.Message.Id, m.Status, m.NextAttempt)));
        Assert.Equal([retrying.Id], pending.Select(m => m.Message.Id));
        Assert.Equal([(retrying.Id, (string?)null)], eu.Select(m => (m.Message.Id, m.Message.Payload)));
    }

    private static string[] Ids(params Endpoint[] endpoints) => endpoints.Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();

    private static string[] Ids(params Message[] messages) => messages.Select(m => m.Id).ToArray();

    private async Task<string[]> DestinationsAsync(string appId, string msgId) =>
        (await Store.ListMessageDestinationsAsync(appId, msgId, new PageRequest(50), Ct)).Data.Select(d => d.Endpoint.Id).ToArray();

    private async Task<string[]> MessageIdsAsync(string appId, MessageQuery query) =>
        (await Store.ListMessagesAsync(appId, query, Ct)).Data.Select(m => m.Id).ToArray();
}
