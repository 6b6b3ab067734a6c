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
        Assert.Empty(await ClaimAsync(t1.AddSeconds(4)));

        // At the probe time a claim takes one delivery of the endpoint, the earliest due: it is the probe. Others
        // claiming then find the probe taken and the endpoint left alone again.
        var probe = Assert.Single(await ClaimAsync(t1.AddSeconds(5)));
        Assert.True(probe.BreakerOpen);
        Assert.Equal(0, probe.AttemptsMade);
        Assert.Equal(BreakerPass.Probe, Assert.Single(await Store.PassBreakersAsync([probe], t1.AddSeconds(5), Lease, Ct)));
        Assert.Empty(await ClaimAsync(t1.AddSeconds(5)));

        // A failed probe doubles the wait.
        var t2 = t1.AddSeconds(6);
        var afterProbe = Assert.Single((await Store.RecordResultsAsync([Failed(probe, t2, probe: true)], Ct)).Breakers);
        Assert.Equal((true, false, (DateTimeOffset?)t2.AddSeconds(10)), (afterProbe.Breaker.Open, afterProbe.Changed, afterProbe.Breaker.NextProbeAt));
        Assert.Empty(await ClaimAsync(t2.AddSeconds(9)));
        var page = await Store.ListAttemptsAsync(app.Id, new AttemptQuery { Page = new PageRequest(50), EndpointId = endpoint.Id }, Ct);
        Assert.Equal(4, page.Data.Count); // three failures and the probe; nothing for the held-back deliveries

        // A successful probe closes it and everything is due at once. Before, only the next probe is due.
        var t3 = t2.AddSeconds(10);
        var next = Assert.Single(await ClaimAsync(t3));
        var nextPasses = await Store.PassBreakersAsync([next], t3, Lease, Ct);
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
    public async Task Breaker_LeavesAnOpenEndpointsBacklogWhereItIs_WhileTheApplicationsOtherEndpointsAreClaimed()
    {
        var app = await CreateAppAsync();
        var failing = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var healthy = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        for (int i = 0; i < 40; i++)
        {
            await SendAsync(app.Id, T0.AddMilliseconds(i));
        }
        var t1 = T0.AddSeconds(1);
        var claimed = await ClaimAsync(t1, max: 3);
        Assert.True(Assert.Single((await Store.RecordResultsAsync(claimed.Select(d => Failed(d, t1)).ToList(), Ct)).Breakers).Opened);
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(app.Id, t1.AddMilliseconds(i), "invoice.voided"); // queued behind the failing endpoint's backlog
        }

        // The backlog keeps its place in the queue (nothing of it was rewritten), yet claims pass over it, and the
        // dispatcher's next wake-up is the other endpoint's work, not the backlog that waits for its probe.
        Assert.Equal(t1, await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var others = await ClaimAsync(t1.AddSeconds(1), max: 10);
        Assert.Equal(3, others.Count);
        Assert.All(others, d => Assert.Equal(healthy.Id, d.EndpointId));

        // Waiting for its probe, the backlog is not overdue work: the queue's oldest due counts it from the probe time.
        Assert.Null((await Store.GetQueueStatsAsync(t1.AddSeconds(2), Ct)).OldestDueAt);
        var probeAt = Assert.NotNull(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        Assert.InRange(probeAt, t1.AddSeconds(4).AddTicks(1), t1.AddSeconds(5));
        Assert.Equal(probeAt, (await Store.GetQueueStatsAsync(t1.AddSeconds(6), Ct)).OldestDueAt);
        Assert.Empty(await ClaimAsync(t1.AddSeconds(4)));

        // At the probe time one delivery of the failing endpoint comes with a claim, not its backlog.
        var probe = Assert.Single(await ClaimAsync(t1.AddSeconds(5), max: 50));
        Assert.Equal((failing.Id, 0), (probe.EndpointId, probe.AttemptsMade));

        // Closed by the probe's success, the whole backlog is due at once, retries included.
        var t2 = t1.AddSeconds(6);
        Assert.Equal(BreakerPass.Probe, Assert.Single(await Store.PassBreakersAsync([probe], t2, Lease, Ct)));
        Assert.True(Assert.Single((await Store.RecordResultsAsync(
            [Result(probe, t2, DeliveryStatus.Success, 200, EndpointHealth.Succeeded) with { Breaker = Breaker3, Probe = true }], Ct)).Breakers).Closed);
        var drained = await ClaimAsync(t2, max: 100);
        Assert.Equal(39, drained.Count);
        Assert.All(drained, d => Assert.Equal(failing.Id, d.EndpointId));
    }

    [Fact]
    public async Task NextDueAt_FromTheDispatchersClock_LooksOnlyAhead_PastAnOpenEndpointsBacklogAndWhatIsDueAlready()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        for (int i = 0; i < 300; i++) // more than the few rows read from the front of the due order
        {
            await SendAsync(app.Id, T0.AddMilliseconds(i));
        }
        var t1 = T0.AddSeconds(1);
        var claimed = await ClaimAsync(t1, max: 3);
        Assert.True(Assert.Single((await Store.RecordResultsAsync(claimed.Select(d => Failed(d, t1)).ToList(), Ct)).Breakers).Opened);
        await SendAsync(app.Id, t1.AddSeconds(2), "invoice.voided");
        await SendAsync(app.Id, t1.AddSeconds(2.5), "invoice.voided");

        // From t1 + 1 s: the failing endpoint's backlog (due since T0) and its retries lie before, the other
        // endpoint's delivery at t1 + 2 s comes first, then the probe at t1 + 5 s.
        Assert.Equal(t1.AddSeconds(2), await Store.NextDueAtAsync(t1.AddSeconds(1), Ct));
        var probeAt = Assert.NotNull(await Store.NextDueAtAsync(t1.AddSeconds(3), Ct));
        Assert.InRange(probeAt, t1.AddSeconds(4).AddTicks(1), t1.AddSeconds(5));
        // Once the probe time has passed, nothing lies ahead: what is due waits for capacity or the probe's claim.
        Assert.Null(await Store.NextDueAtAsync(t1.AddSeconds(6), Ct));
        // From the beginning of time the earliest is the other endpoint's, the backlog still counting from its probe;
        // the queue's oldest due too, found behind all of the backlog.
        Assert.Equal(t1.AddSeconds(2), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        Assert.Equal(t1.AddSeconds(2), (await Store.GetQueueStatsAsync(t1.AddSeconds(3), Ct)).OldestDueAt);
        Assert.Null((await Store.GetQueueStatsAsync(t1.AddSeconds(1.5), Ct)).OldestDueAt);
        Assert.Equal(t1.AddSeconds(2.5), await Store.NextDueAtAsync(t1.AddSeconds(2.1), Ct));
        Assert.Equal(302, (await Store.GetQueueStatsAsync(t1.AddSeconds(3), Ct)).Depth);
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
