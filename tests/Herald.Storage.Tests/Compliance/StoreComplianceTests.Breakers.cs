using Herald.Breakers;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private static readonly BreakerPolicy Breaker3 = new()
    {
        FailureThreshold = 3, OpenInterval = TimeSpan.FromSeconds(5), MaxOpenInterval = TimeSpan.FromSeconds(20),
    };

    private static DeliveryResult Failed(DueDelivery d, DateTimeOffset now, bool probe = false) =>
        Result(d, now, DeliveryStatus.Pending, 500, EndpointHealth.Failed, now.AddSeconds(1)) with { Breaker = Breaker3, Probe = probe };

    [Fact]
    public async Task Breaker_OpensAfterTheThreshold_HoldsDeliveriesBack_ProbesOnce_AndClosingMakesAllDue()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        for (int i = 0; i < 5; i++)
        {
            await SendAsync(app.Id);
        }
        var claimed = await ClaimAsync(T0, max: 3);
        var t1 = T0.AddSeconds(1);
        var recorded = await Store.RecordResultsAsync(claimed.Select(d => Failed(d, t1)).ToList(), Ct);

        var update = Assert.Single(recorded.Breakers);
        Assert.True(update.Opened);
        Assert.Equal((endpoint.Id, 3, (DateTimeOffset?)t1, (DateTimeOffset?)t1.AddSeconds(5)),
            (update.EndpointId, update.Breaker.ConsecutiveFailures, update.Breaker.OpenedAt, update.Breaker.NextProbeAt));
        var stored = (await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct))!;
        Assert.True(stored.Breaker.Open);

        // Everything pending waits for the probe; new messages too, and none is claimed before it.
        await SendAsync(app.Id, t1);
        Assert.Equal(t1.AddSeconds(5), await Store.NextDueAtAsync(Ct));
        Assert.Empty(await ClaimAsync(t1.AddSeconds(4)));

        // At the probe time only one held delivery is due (the others are parked for the longest probe interval, so
        // that a failed probe need not move them again), with the message that arrived while open. One is the probe;
        // the other goes back, attempts untouched.
        var due = await ClaimAsync(t1.AddSeconds(5));
        Assert.Equal(2, due.Count);
        Assert.All(due, d => Assert.True(d.BreakerOpen));
        var passes = await Store.PassBreakersAsync(due, t1.AddSeconds(5), Lease, Breaker3.MaxOpenInterval, Ct);
        Assert.Equal(1, passes.Count(p => p == BreakerPass.Probe));
        Assert.Equal(1, passes.Count(p => p == BreakerPass.Deferred));
        Assert.All(await Store.PassBreakersAsync(due.Where((_, i) => passes[i] == BreakerPass.Deferred).ToList(), t1.AddSeconds(5), Lease, Breaker3.MaxOpenInterval, Ct),
            p => Assert.Equal(BreakerPass.Deferred, p)); // the probe is taken: nobody else probes
        var probe = due[passes.ToList().IndexOf(BreakerPass.Probe)];

        // A failed probe doubles the wait.
        var t2 = t1.AddSeconds(6);
        var afterProbe = Assert.Single((await Store.RecordResultsAsync([Failed(probe, t2, probe: true)], Ct)).Breakers);
        Assert.Equal((true, false, (DateTimeOffset?)t2.AddSeconds(10)), (afterProbe.Breaker.Open, afterProbe.Changed, afterProbe.Breaker.NextProbeAt));
        Assert.Equal(t2.AddSeconds(10), await Store.NextDueAtAsync(Ct));
        var page = await Store.ListAttemptsAsync(app.Id, new AttemptQuery { Page = new PageRequest(50), EndpointId = endpoint.Id }, Ct);
        Assert.Equal(4, page.Data.Count); // three failures and the probe; nothing for the held-back deliveries

        // A successful probe closes it and everything is due at once. Before, only the next probe is due.
        var t3 = t2.AddSeconds(10);
        var next = Assert.Single(await ClaimAsync(t3));
        var nextPasses = await Store.PassBreakersAsync([next], t3, Lease, Breaker3.MaxOpenInterval, Ct);
        Assert.Equal(BreakerPass.Probe, Assert.Single(nextPasses));
        var second = next;
        var closed = Assert.Single((await Store.RecordResultsAsync(
            [Result(second, t3.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded) with { Breaker = Breaker3, Probe = true }], Ct)).Breakers);
        Assert.True(closed.Closed);
        Assert.Equal(t1, closed.Breaker.OpenedAt);
        Assert.False((await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct))!.Breaker.Open);
        var drained = await ClaimAsync(t3.AddSeconds(1));
        Assert.Equal(5, drained.Count);
        Assert.All(drained, d => Assert.False(d.BreakerOpen));
        Assert.Contains(drained, d => d.AttemptsMade == 0);
    }

    [Fact]
    public async Task Breaker_HoldsALargeBacklogBack_APartPerTransaction_UntilNothingIsDueBeforeTheProbe()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        int backlog = RelationalStore.HoldChunk + 300;
        for (int i = 0; i < backlog; i++)
        {
            await SendAsync(app.Id, T0.AddMilliseconds(i));
        }
        var claimed = await ClaimAsync(T0.AddSeconds(1), max: 3);
        var t1 = T0.AddSeconds(2);
        var update = Assert.Single((await Store.RecordResultsAsync(claimed.Select(d => Failed(d, t1)).ToList(), Ct)).Breakers);
        Assert.True(update.Opened);
        Assert.True(update.MoreToHold); // one transaction parked a bounded part of the backlog

        // The part left is still due (the oldest were parked first); HoldBackAsync parks it, then reports nothing left.
        Assert.True(await Store.NextDueAtAsync(Ct) < t1);
        Assert.False(await Store.HoldBackAsync(endpoint.Id, t1, Breaker3.MaxOpenInterval, Ct));
        Assert.False(await Store.HoldBackAsync(endpoint.Id, t1, Breaker3.MaxOpenInterval, Ct));
        Assert.Equal(t1.AddSeconds(5), await Store.NextDueAtAsync(Ct));
        Assert.Empty(await ClaimAsync(t1.AddSeconds(4)));
        var probe = Assert.Single(await ClaimAsync(t1.AddSeconds(5))); // only the probe is due
        Assert.Equal(BreakerPass.Probe, Assert.Single(await Store.PassBreakersAsync([probe], t1.AddSeconds(5), Lease, Breaker3.MaxOpenInterval, Ct)));

        // Closed, everything is due at once; holding back a closed endpoint's deliveries does nothing.
        var t2 = t1.AddSeconds(6);
        Assert.True(Assert.Single((await Store.RecordResultsAsync(
            [Result(probe, t2, DeliveryStatus.Success, 200, EndpointHealth.Succeeded) with { Breaker = Breaker3, Probe = true }], Ct)).Breakers).Closed);
        Assert.False(await Store.HoldBackAsync(endpoint.Id, t2, Breaker3.MaxOpenInterval, Ct));
        Assert.Equal(backlog - 1, (await ClaimAsync(t2, max: backlog)).Count);
    }

    [Fact]
    public async Task Breaker_FailuresBelowTheThreshold_DoNotOpen_AndASuccessResetsTheCount()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(app.Id);
        }
        var claimed = await ClaimAsync(T0);
        var recorded = await Store.RecordResultsAsync(
            [Failed(claimed[0], T0), Failed(claimed[1], T0), Result(claimed[2], T0, DeliveryStatus.Success, 200, EndpointHealth.Succeeded) with { Breaker = Breaker3 }], Ct);
        Assert.Empty(recorded.Breakers);
        var again = await ClaimAsync(T0.AddSeconds(1));
        recorded = await Store.RecordResultsAsync(again.Select(d => Failed(d, T0.AddSeconds(1))).ToList(), Ct);
        Assert.Empty(recorded.Breakers); // two in a row after the success: still closed
    }
}
