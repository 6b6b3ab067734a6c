using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task ReplayMissing_QueuesTheWindowsMessagesThatNeverReachedTheEndpoint_AsManual()
    {
        var app = await CreateAppAsync();
        var target = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var other = await CreateEndpointAsync(app.Id);
        var (before, _) = await SendAsync(app.Id, T0);
        var (delivered, _) = await SendAsync(app.Id, T0.AddHours(1));
        var (failed, _) = await SendAsync(app.Id, T0.AddHours(2));
        var (filtered, _) = await SendAsync(app.Id, T0.AddHours(3), eventType: "order.created");
        var (missing, _) = await SendAsync(app.Id, T0.AddHours(4), onlyEndpointId: other.Id);
        var claimed = await ClaimAsync(T0.AddHours(4));
        Assert.Equal(8, claimed.Count);
        await RecordAsync(claimed.Select(d => d.EndpointId == target.Id && d.MsgId != delivered.Id
            ? Result(d, T0.AddHours(4), DeliveryStatus.Fail, 500, EndpointHealth.Failed)
            : Result(d, T0.AddHours(4), DeliveryStatus.Success, 200, EndpointHealth.Succeeded)).ToArray());
        // Being sent right now (claimed, lease running): already on its way.
        var (sending, _) = await SendAsync(app.Id, T0.AddHours(5));
        Assert.Equal(2, (await ClaimAsync(T0.AddHours(5))).Count);
        var now = T0.AddHours(5).AddSeconds(1);

        Assert.Equal(1, await Store.ReplayMissingAsync(app.Id, target.Id, T0.AddMinutes(30), T0.AddHours(3), now, Ct));
        Assert.Equal(2, await Store.ReplayMissingAsync(app.Id, target.Id, T0.AddMinutes(30), null, now, Ct));

        Assert.Equal(now, await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var due = await ClaimAsync(now.AddSeconds(1));
        Assert.Equal(new[] { failed.Id, missing.Id }.Order(), due.Select(d => d.MsgId).Order());
        Assert.All(due, d => Assert.Equal((target.Id, TriggerType.Manual), (d.EndpointId, d.Trigger)));
        Assert.DoesNotContain(due, d => d.MsgId == before.Id || d.MsgId == filtered.Id || d.MsgId == sending.Id);
    }

    [Fact]
    public async Task ReplayMissing_GoesThroughALongWindowInBatches()
    {
        var app = await CreateAppAsync();
        var other = await CreateEndpointAsync(app.Id);
        var target = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var expected = new List<string>();
        for (int i = 0; i < 1_100; i++)
        {
            var (message, _) = await SendAsync(app.Id, T0.AddSeconds(i), eventType: i % 3 == 0 ? "order.created" : Paid, onlyEndpointId: other.Id);
            if (i % 3 != 0)
            {
                expected.Add(message.Id);
            }
        }

        Assert.Equal(expected.Count, await Store.ReplayMissingAsync(app.Id, target.Id, T0, null, T0.AddHours(1), Ct));

        var due = await ClaimAsync(T0.AddHours(1), max: 2_000, other.Id);
        Assert.Equal(expected.Order(), due.Select(d => d.MsgId).Order());
    }

    [Fact]
    public async Task ReplayMissing_QueuesNothing_ForADisabledEndpoint_OrAnotherApplicationsEndpoint()
    {
        var app = await CreateAppAsync();
        var stranger = await CreateAppAsync();
        var off = await CreateEndpointAsync(app.Id, disabled: true);
        var on = await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id, T0, onlyEndpointId: on.Id);
        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Success, 200, EndpointHealth.Succeeded));

        Assert.Equal(0, await Store.ReplayMissingAsync(app.Id, off.Id, T0.AddHours(-1), null, T0.AddHours(1), Ct));
        Assert.Equal(0, await Store.ReplayMissingAsync(stranger.Id, on.Id, T0.AddHours(-1), null, T0.AddHours(1), Ct));
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
    }
}
