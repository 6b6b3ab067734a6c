using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Endpoint_IsFoundByIdAndByUid_WithEveryField()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id, uid: "backend", eventTypes: [Paid], channels: ["eu"]);
        var full = endpoint with
        {
            ThrottleRate = 10, DisabledReason = null, FailingSince = T0.AddMinutes(-3), UpdatedAt = T0.AddSeconds(1),
            RetiredSecrets = [new RetiredSecret("whsec_old", T0.AddHours(1))],
            Metadata = new Dictionary<string, string> { ["team"] = "payments" },
        };
        await Store.UpdateEndpointAsync(full, Ct);

        foreach (var key in new[] { endpoint.Id, "backend" })
        {
            var found = await Store.GetEndpointAsync(app.Id, key, Ct);
            Assert.NotNull(found);
            Assert.Equal((full.Id, full.AppId, full.Uid, full.Url, full.Description, full.Disabled, full.Secret, full.ThrottleRate, full.FailingSince, full.CreatedAt, full.UpdatedAt),
                (found.Id, found.AppId, found.Uid, found.Url, found.Description, found.Disabled, found.Secret, found.ThrottleRate, found.FailingSince, found.CreatedAt, found.UpdatedAt));
            Assert.Equal([Paid], found.EventTypes);
            Assert.Equal(["eu"], found.Channels);
            Assert.Equal("corner", found.Headers["X-Shop"]);
            Assert.Equal("payments", found.Metadata["team"]);
            Assert.Equal(full.RetiredSecrets, found.RetiredSecrets);
        }
    }

    [Fact]
    public async Task Endpoint_UidConflict_ThrowsDuplicateWithinAnApp_ButNotAcrossApps()
    {
        var app = await CreateAppAsync();
        var other = await CreateAppAsync();
        await CreateEndpointAsync(app.Id, uid: "backend");
        var second = await CreateEndpointAsync(app.Id, uid: "audit");

        await Assert.ThrowsAsync<DuplicateException>(() => CreateEndpointAsync(app.Id, uid: "backend"));
        await Assert.ThrowsAsync<DuplicateException>(() => Store.UpdateEndpointAsync(second with { Uid = "backend" }, Ct));
        var elsewhere = await CreateEndpointAsync(other.Id, uid: "backend");

        Assert.Equal(elsewhere.Id, (await Store.GetEndpointAsync(other.Id, "backend", Ct))?.Id);
        Assert.Equal("audit", (await Store.GetEndpointAsync(app.Id, second.Id, Ct))?.Uid);
    }

    [Fact]
    public async Task Endpoint_OfOneApp_IsInvisibleThroughAnother()
    {
        var owner = await CreateAppAsync();
        var stranger = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(owner.Id, uid: "backend");
        var (message, _) = await SendAsync(owner.Id);
        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Fail, 500, EndpointHealth.Failed));

        Assert.Null(await Store.GetEndpointAsync(stranger.Id, endpoint.Id, Ct));
        Assert.Null(await Store.GetEndpointAsync(stranger.Id, "backend", Ct));
        Assert.Empty((await Store.ListEndpointsAsync(stranger.Id, new PageRequest(10), Ct)).Data);
        Assert.Empty((await Store.ListEndpointMessagesAsync(stranger.Id, endpoint.Id, Messages(), Ct)).Data);
        Assert.Equal(new EndpointStats(0, 0, 0, 0), await Store.GetEndpointStatsAsync(stranger.Id, endpoint.Id, null, null, Ct));
        Assert.Equal(0, await Store.RecoverEndpointAsync(stranger.Id, endpoint.Id, T0.AddDays(-1), null, T0.AddHours(1), Ct));
        Assert.False(await Store.ResendAsync(stranger.Id, message.Id, endpoint.Id, T0.AddHours(1), Ct));
        Assert.False(await Store.DeleteEndpointAsync(stranger.Id, endpoint.Id, Ct));
        Assert.NotNull(await Store.GetEndpointAsync(owner.Id, endpoint.Id, Ct));
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
    }

    [Fact]
    public async Task Endpoint_Delete_RemovesItsDeliveriesAndAttempts()
    {
        var app = await CreateAppAsync();
        var doomed = await CreateEndpointAsync(app.Id);
        var kept = await CreateEndpointAsync(app.Id);
        var (message, deliveries) = await SendAsync(app.Id);
        Assert.Equal(2, deliveries);
        var claimed = await ClaimAsync(T0);
        await RecordAsync(claimed.Select(d => Result(d, T0, DeliveryStatus.Pending, 503, EndpointHealth.Failed, T0.AddMinutes(1))).ToArray());

        Assert.True(await Store.DeleteEndpointAsync(app.Id, doomed.Id, Ct));

        Assert.Null(await Store.GetEndpointAsync(app.Id, doomed.Id, Ct));
        Assert.Equal([kept.Id], (await Store.ListAttemptsAsync(app.Id, Attempts(), Ct)).Data.Select(a => a.EndpointId));
        Assert.Equal([kept.Id], (await Store.ListMessageDestinationsAsync(app.Id, message.Id, new PageRequest(10), Ct)).Data.Select(d => d.Endpoint.Id));
        Assert.Equal(kept.Id, (await ClaimOneAsync(T0.AddMinutes(1))).EndpointId);
    }

    [Fact]
    public async Task EndpointStats_CountDeliveriesByStatus_WithinTheRange()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id, T0);
        await SendAsync(app.Id, T0.AddMinutes(1));
        await SendAsync(app.Id, T0.AddMinutes(2));
        await SendAsync(app.Id, T0.AddMinutes(3));
        var claimed = await ClaimAsync(T0.AddMinutes(3), max: 3);
        await RecordAsync(
            Result(claimed[0], T0.AddMinutes(3), DeliveryStatus.Success, 200, EndpointHealth.Succeeded),
            Result(claimed[1], T0.AddMinutes(3), DeliveryStatus.Fail, 500, EndpointHealth.Failed));

        Assert.Equal(new EndpointStats(Success: 1, Pending: 1, Fail: 1, Sending: 1), await Store.GetEndpointStatsAsync(app.Id, endpoint.Id, null, null, Ct));
        Assert.Equal(new EndpointStats(0, 0, 1, 1), await Store.GetEndpointStatsAsync(app.Id, endpoint.Id, T0.AddMinutes(1), T0.AddMinutes(3), Ct));
    }

    [Fact]
    public async Task RecoverEndpoint_MakesFailedDeliveriesInTheRangeDueAgain_AsManual()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        var times = new[] { T0, T0.AddHours(1), T0.AddHours(2) };
        foreach (var time in times)
        {
            await SendAsync(app.Id, time);
        }
        var claimed = await ClaimAsync(T0.AddHours(2));
        await RecordAsync(claimed.Select(d => Result(d, T0.AddHours(2), DeliveryStatus.Fail, 500, EndpointHealth.Failed)).ToArray());
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));

        int recovered = await Store.RecoverEndpointAsync(app.Id, endpoint.Id, T0.AddHours(1), T0.AddHours(2), T0.AddHours(3), Ct);

        Assert.Equal(1, recovered);
        Assert.Equal(T0.AddHours(3), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var due = await ClaimOneAsync(T0.AddHours(3));
        Assert.Equal((claimed[1].MsgId, TriggerType.Manual, 1), (due.MsgId, due.Trigger, due.AttemptsMade));
        Assert.Equal(2, await Store.RecoverEndpointAsync(app.Id, endpoint.Id, T0, null, T0.AddHours(4), Ct));
    }
}
