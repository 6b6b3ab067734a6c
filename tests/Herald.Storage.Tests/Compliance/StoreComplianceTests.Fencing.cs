using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

/// <summary>Leases are fenced: a node that lost its claim cannot change what the next holder does; a restarted node resumes at once.</summary>
public abstract partial class StoreComplianceTests
{
    private async Task<(Application App, Message Message)> OneDeliveryAsync()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var (message, _) = await SendAsync(app.Id);
        return (app, message);
    }

    private async Task<DeliveryStatus> StatusAsync(string appId, string msgId) =>
        Assert.Single((await Store.ListMessageDestinationsAsync(appId, msgId, new PageRequest(10), Ct)).Data).Status;

    [Fact]
    public async Task Initialize_AfterARestart_MakesWhatTheNodeHeldDueAtOnce_UnderNewTokens()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        var claimed = Assert.Single(await ClaimAsync(T0));
        var message = new Message { Id = HeraldId.New(HeraldId.Message, T0), AppId = app.Id, EventType = Paid, Payload = Payload, CreatedAt = T0 };
        var born = Assert.Single(await Store.CreateMessageClaimedAsync(message, null, Lease, Ct));
        var restart = T0.AddSeconds(5);

        await RestartAsync(restart);

        Assert.Equal(restart, await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct)); // not T0 + Lease
        var again = await ClaimAsync(restart);
        Assert.Equal([claimed.DeliveryId, born.DeliveryId], again.Select(d => d.DeliveryId).Order());
        Assert.True(again.Single(d => d.DeliveryId == claimed.DeliveryId).LeaseToken > claimed.LeaseToken);
        Assert.True(again.Single(d => d.DeliveryId == born.DeliveryId).LeaseToken > born.LeaseToken);
    }

    [Fact]
    public async Task Initialize_LeavesSettledAndWaitingDeliveriesAsTheyWere()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        await SendAsync(app.Id, T0.AddMinutes(10));
        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Success, 200, EndpointHealth.Succeeded));

        await RestartAsync(T0.AddSeconds(1));

        Assert.Equal(T0.AddMinutes(10), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
    }

    [Fact]
    public async Task ClaimDue_RaisesTheLeaseTokenWithEveryClaim()
    {
        await OneDeliveryAsync();
        var first = await ClaimOneAsync(T0);
        var second = await ClaimOneAsync(T0 + Lease);
        var third = await ClaimOneAsync(T0 + Lease + Lease);

        Assert.True(first.LeaseToken < second.LeaseToken && second.LeaseToken < third.LeaseToken);
    }

    [Fact]
    public async Task RecordResults_OfAClaimTakenOver_StoresTheAttempt_ButNotOverTheNewHoldersOutcome()
    {
        var (app, message) = await OneDeliveryAsync();
        var stale = await ClaimOneAsync(T0);
        var current = await ClaimOneAsync(T0 + Lease); // the first node's lease ran out

        await RecordAsync(Result(current, T0 + Lease, DeliveryStatus.Success, 200, EndpointHealth.Succeeded));
        await RecordAsync(Result(stale, T0 + Lease + TimeSpan.FromSeconds(1), DeliveryStatus.Pending, 503, EndpointHealth.Failed, T0.AddHours(1)));

        Assert.Equal(DeliveryStatus.Success, await StatusAsync(app.Id, message.Id));
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var attempts = (await Store.ListAttemptsAsync(app.Id, Attempts(), Ct)).Data;
        Assert.Equal([200, 503], attempts.Select(a => a.ResponseStatusCode).Order()); // the stale request was made: it is on record
    }

    [Fact]
    public async Task RecordResults_OfAClaimTakenOver_LeavesTheDeliveryWithItsNewHolder()
    {
        var (app, message) = await OneDeliveryAsync();
        var stale = await ClaimOneAsync(T0);
        var current = await ClaimOneAsync(T0 + Lease);

        await RecordAsync(Result(stale, T0 + Lease, DeliveryStatus.Success, 200, EndpointHealth.Succeeded));

        Assert.Equal(DeliveryStatus.Sending, await StatusAsync(app.Id, message.Id));
        Assert.Empty(await ClaimAsync(T0 + Lease + TimeSpan.FromSeconds(1)));
        await RecordAsync(Result(current, T0 + Lease, DeliveryStatus.Pending, 500, EndpointHealth.Failed, T0.AddMinutes(5)));
        Assert.Equal(T0.AddMinutes(5), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
    }

    [Fact]
    public async Task RecordResults_OfADeliveryClaimedAtBirth_ApplyUntilItIsClaimedAgain()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        Message NewMessage() => new() { Id = HeraldId.New(HeraldId.Message, T0), AppId = app.Id, EventType = Paid, Payload = Payload, CreatedAt = T0 };
        var kept = Assert.Single(await Store.CreateMessageClaimedAsync(NewMessage(), null, Lease, Ct));
        var lost = Assert.Single(await Store.CreateMessageClaimedAsync(NewMessage(), null, Lease, Ct));
        await RecordAsync(Result(kept, T0.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded));
        var taken = await ClaimOneAsync(T0 + Lease); // the other one's lease ran out
        Assert.Equal(lost.DeliveryId, taken.DeliveryId);

        await RecordAsync(Result(lost, T0 + Lease, DeliveryStatus.Fail, 400, EndpointHealth.Failed));

        Assert.Equal(DeliveryStatus.Success, await StatusAsync(app.Id, kept.MsgId));
        Assert.Equal(DeliveryStatus.Sending, await StatusAsync(app.Id, lost.MsgId));
    }

    [Fact]
    public async Task Release_OfAClaimTakenOver_DoesNotUndoTheNewHoldersClaim()
    {
        await OneDeliveryAsync();
        var stale = await ClaimOneAsync(T0);
        var current = await ClaimOneAsync(T0 + Lease);

        await Store.ReleaseAsync([stale], T0 + Lease, Ct);

        Assert.Empty(await ClaimAsync(T0 + Lease));
        Assert.Equal(T0 + Lease + Lease, await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        await Store.ReleaseAsync([current], T0 + Lease, Ct);
        Assert.Equal(current.DeliveryId, (await ClaimOneAsync(T0 + Lease)).DeliveryId);
    }

    [Fact]
    public async Task DeleteApplication_WithDeliveriesInFlight_LeavesNoRowBehind()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await CreateEndpointAsync(app.Id);
        var other = await CreateAppAsync();
        await CreateEndpointAsync(other.Id);
        await SendAsync(app.Id);
        await SendAsync(other.Id);
        var claimed = await ClaimAsync(T0);
        Assert.Equal(3, claimed.Count);
        var ours = claimed.Where(d => d.AppId == app.Id).ToList();
        await RecordAsync(Result(ours[0], T0, DeliveryStatus.Pending, 500, EndpointHealth.Failed, T0.AddSeconds(5)));
        var inFlight = await ClaimOneAsync(T0.AddSeconds(5));

        Assert.True(await Store.DeleteApplicationAsync(app.Id, Ct));
        // What was being sent when the application went comes back afterwards.
        await RecordAsync(
            Result(inFlight, T0.AddSeconds(6), DeliveryStatus.Success, 200, EndpointHealth.Succeeded),
            Result(ours[1], T0.AddSeconds(6), DeliveryStatus.Success, 200, EndpointHealth.Succeeded));
        await Store.ReleaseAsync(ours, T0.AddSeconds(6), Ct);

        Assert.Empty((await Store.ListAttemptsAsync(app.Id, Attempts(), Ct)).Data);
        Assert.Empty((await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data);
        var otherDelivery = Assert.Single(claimed, d => d.AppId == other.Id);
        await Store.ReleaseAsync([otherDelivery], T0, Ct);
        Assert.Equal(otherDelivery.DeliveryId, (await ClaimOneAsync(T0.AddSeconds(6))).DeliveryId); // nothing of the deleted app is queued
    }
}
