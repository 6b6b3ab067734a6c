using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task ClaimDue_ReturnsEverythingNeededToSend_AndMarksTheDeliverySending()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await Store.UpdateEndpointAsync(endpoint with
        {
            RetiredSecrets = [new RetiredSecret("whsec_old", T0.AddHours(1)), new RetiredSecret("whsec_expired", T0.AddSeconds(-1))],
        }, Ct);
        var (message, _) = await SendAsync(app.Id);

        Assert.Empty(await ClaimAsync(T0.AddMilliseconds(-1)));
        var due = await ClaimOneAsync(T0);

        Assert.Equal((message.Id, app.Id, endpoint.Id, 0, TriggerType.Scheduled, Paid, Payload, endpoint.Url, false),
            (due.MsgId, due.AppId, due.EndpointId, due.AttemptsMade, due.Trigger, due.EventType, due.Payload, due.Url, due.EndpointDisabled));
        Assert.Equal(["whsec_current", "whsec_old"], due.Secrets);
        Assert.Equal("corner", due.Headers["X-Shop"]);
        var destination = Assert.Single((await Store.ListMessageDestinationsAsync(app.Id, message.Id, new PageRequest(10), Ct)).Data);
        Assert.Equal((DeliveryStatus.Sending, (DateTimeOffset?)(T0 + Lease)), (destination.Status, destination.NextAttempt));
    }

    [Fact]
    public async Task ClaimDue_CarriesTheEndpointsThrottleRate_ElseTheApplications()
    {
        var app = await CreateAppAsync(); // 50 a second
        var own = await CreateEndpointAsync(app.Id);
        await Store.UpdateEndpointAsync(own with { ThrottleRate = 5 }, Ct);
        var inherits = await CreateEndpointAsync(app.Id);
        var unlimitedApp = await CreateAppAsync();
        await Store.UpdateApplicationAsync(unlimitedApp with { ThrottleRate = null }, Ct);
        var unlimited = await CreateEndpointAsync(unlimitedApp.Id);
        await SendAsync(app.Id);
        await SendAsync(unlimitedApp.Id);

        var rates = (await ClaimAsync(T0)).ToDictionary(d => d.EndpointId, d => d.ThrottleRate);

        Assert.Equal(new Dictionary<string, int?> { [own.Id] = 5, [inherits.Id] = 50, [unlimited.Id] = null }, rates);
    }

    [Fact]
    public async Task ClaimedMessage_CarriesTheCurrentThrottleRate_AfterTheEndpointOrItsApplicationChanges()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        async Task<int?> HandedRateAsync()
        {
            var message = new Message { Id = HeraldId.New(HeraldId.Message, T0), AppId = app.Id, EventType = Paid, Payload = Payload, CreatedAt = T0 };
            return Assert.Single(await Store.CreateMessageClaimedAsync(message, null, Lease, Ct)).ThrottleRate;
        }

        Assert.Equal(50, await HandedRateAsync());
        await Store.UpdateApplicationAsync(app with { ThrottleRate = 7 }, Ct);
        Assert.Equal(7, await HandedRateAsync());
        await Store.UpdateEndpointAsync(endpoint with { ThrottleRate = 3 }, Ct);
        Assert.Equal(3, await HandedRateAsync());
        await Store.UpdateApplicationAsync(app with { ThrottleRate = null }, Ct);
        Assert.Equal(3, await HandedRateAsync());
        await Store.UpdateEndpointAsync(endpoint with { ThrottleRate = null }, Ct);
        Assert.Null(await HandedRateAsync());
    }

    [Fact]
    public async Task ClaimDue_AClaimedDeliveryIsNotClaimedAgain_UntilItsLeaseExpires()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        var first = await ClaimOneAsync(T0);

        Assert.Empty(await ClaimAsync(T0));
        Assert.Empty(await ClaimAsync(T0 + Lease - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(T0 + Lease, await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var again = await ClaimOneAsync(T0 + Lease);

        Assert.Equal((first.DeliveryId, 0), (again.DeliveryId, again.AttemptsMade));
        Assert.Empty(await ClaimAsync(T0 + Lease));
    }

    [Fact]
    public async Task ClaimDue_TakesAtMostMax_EarliestDueFirst_AndSkipsExcludedEndpoints()
    {
        var app = await CreateAppAsync();
        var busy = await CreateEndpointAsync(app.Id);
        var idle = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var messages = new List<Message>();
        for (int i = 0; i < 5; i++)
        {
            messages.Add((await SendAsync(app.Id, T0.AddSeconds(i))).Message);
        }
        await SendAsync(app.Id, T0.AddSeconds(10), "invoice.voided");

        var firstTwo = await ClaimAsync(T0.AddMinutes(1), max: 2, busy.Id); // only one is not excluded
        Assert.Empty(await ClaimAsync(T0.AddMinutes(1), max: 10, busy.Id, idle.Id));

        var idleOnly = Assert.Single(firstTwo);
        Assert.Equal(idle.Id, idleOnly.EndpointId);
        var earliest = await ClaimAsync(T0.AddMinutes(1), max: 2);
        Assert.Equal([messages[0].Id, messages[1].Id], earliest.Select(d => d.MsgId));
        Assert.Equal(4, (await ClaimAsync(T0.AddMinutes(1), max: 10)).Count); // busy also takes invoice.voided
    }

    [Fact]
    public async Task ClaimDue_FindsOtherEndpointsWork_BehindALongBacklogOfAnExcludedEndpoint()
    {
        var app = await CreateAppAsync();
        var busy = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var first = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var second = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        for (int i = 0; i < 30; i++)
        {
            await SendAsync(app.Id, T0.AddSeconds(i), "invoice.voided");
        }
        var paid = new List<Message>();
        for (int i = 0; i < 3; i++)
        {
            paid.Add((await SendAsync(app.Id, T0.AddSeconds(100 + i))).Message);
        }
        var later = (await SendAsync(app.Id, T0.AddMinutes(30))).Message; // not due yet

        var now = T0.AddMinutes(5);
        var spread = await ClaimAsync(now, max: 2, busy.Id);
        Assert.Equal(2, spread.Count);
        Assert.Equal([first.Id, second.Id], spread.Select(d => d.EndpointId).Order(StringComparer.Ordinal));
        Assert.All(spread, d => Assert.Equal(paid[0].Id, d.MsgId)); // each endpoint's oldest first

        var rest = await ClaimAsync(now, max: 10, busy.Id);
        Assert.Equal(4, rest.Count);
        Assert.DoesNotContain(rest, d => d.EndpointId == busy.Id || d.MsgId == later.Id);
        Assert.Empty(await ClaimAsync(now, max: 10, busy.Id));
        Assert.Equal(10, (await ClaimAsync(now, max: 10)).Count); // the busy endpoint's own rows were left alone
    }

    [Fact]
    public async Task ClaimDue_BehindAnExcludedBacklog_ReadsFromWhereTheOtherEndpointsWorkBegins_InDueOrder()
    {
        var app = await CreateAppAsync();
        var busy = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var many = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var one = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.sent"]);
        for (int i = 0; i < 60; i++)
        {
            await SendAsync(app.Id, T0.AddSeconds(i), "invoice.voided");
        }
        for (int i = 0; i < 12; i++)
        {
            await SendAsync(app.Id, T0.AddSeconds(100 + i));
        }
        await SendAsync(app.Id, T0.AddSeconds(200), "invoice.sent");

        // The window after the busy endpoint's backlog is read in due order, as it would be without that backlog.
        var now = T0.AddMinutes(5);
        var claimed = await ClaimAsync(now, max: 10, busy.Id);
        Assert.Equal(10, claimed.Count);
        Assert.All(claimed, d => Assert.Equal(many.Id, d.EndpointId));
        var rest = await ClaimAsync(now, max: 10, busy.Id);
        Assert.Equal(3, rest.Count);
        Assert.Single(rest, d => d.EndpointId == one.Id);

        // Once the busy endpoint may be sent to again, its backlog (before where the last reads started) comes first.
        var busyWork = await ClaimAsync(now, max: 10, one.Id);
        Assert.Equal(10, busyWork.Count);
        Assert.All(busyWork, d => Assert.Equal(busy.Id, d.EndpointId));
    }

    [Fact]
    public async Task ClaimDue_BehindAnExcludedBacklog_LaterClaimsGoOnFromWhatEarlierOnesTook_AndStillFindWhatWasHandedBack()
    {
        var app = await CreateAppAsync();
        var busy = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var first = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var second = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        for (int i = 0; i < 60; i++)
        {
            await SendAsync(app.Id, T0.AddSeconds(i), "invoice.voided");
        }
        var paid = new List<Message>();
        for (int i = 0; i < 20; i++)
        {
            paid.Add((await SendAsync(app.Id, T0.AddSeconds(100 + i))).Message);
        }

        // Each claim takes the next messages in due order, whichever claim read where the work begins.
        var now = T0.AddMinutes(5);
        var taken = new List<DueDelivery>();
        for (int claim = 0; claim < 4; claim++)
        {
            var claimed = await ClaimAsync(now, max: 6, busy.Id);
            Assert.Equal(6, claimed.Count);
            Assert.Equal(paid.Skip(claim * 3).Take(3).Select(m => m.Id), claimed.Select(d => d.MsgId).Distinct());
            taken.AddRange(claimed);
        }

        // A delivery handed back (due again now) is found by the next claim, before the rest.
        var back = taken.First(d => d.EndpointId == second.Id);
        await Store.ReleaseAsync([back], now, Ct);
        var next = await ClaimAsync(now.AddSeconds(1), max: 17, busy.Id);
        Assert.Equal(17, next.Count);
        Assert.Contains(next, d => d.DeliveryId == back.DeliveryId);
        Assert.Equal(8, next.Count(d => d.EndpointId == first.Id));
        Assert.DoesNotContain(next, d => d.EndpointId == busy.Id);
        Assert.Empty(await ClaimAsync(now.AddSeconds(1), max: 10, busy.Id));
    }

    [Fact]
    public async Task ClaimDue_BehindAnExcludedBacklog_StillFindsAWorkMessageAcceptedJustBeforeTheFrontsWereRead()
    {
        var app = await CreateAppAsync();
        var busy = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var other = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        for (int i = 0; i < 60; i++)
        {
            await SendAsync(app.Id, T0.AddSeconds(i), "invoice.voided");
        }
        var now = T0.AddMinutes(5);
        Assert.Empty(await ClaimAsync(now, max: 10, busy.Id)); // the other endpoint has nothing queued yet

        // Accepted a moment before that read (its due time), committed after it, as a group commit may do.
        var late = (await SendAsync(app.Id, now.AddMilliseconds(-200))).Message;
        var claimed = Assert.Single(await ClaimAsync(now.AddMilliseconds(100), max: 10, busy.Id));
        Assert.Equal((late.Id, other.Id), (claimed.MsgId, claimed.EndpointId));
    }

    [Fact]
    public async Task ClaimDue_WhereExcludedWorkIsInterleavedDensely_GivesWhatEndpointsWithLessWorkLeaveToThoseWithMore()
    {
        var app = await CreateAppAsync();
        var busy = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var many = await CreateEndpointAsync(app.Id, eventTypes: [Paid]);
        var one = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.sent"]);
        // Every one of the first endpoint's deliveries is followed by more of the busy endpoint's than a claim of six
        // reads in one window (four times what it wants), so even the window from where that work begins is full.
        for (int i = 0; i < 12; i++)
        {
            await SendAsync(app.Id, T0.AddSeconds(100 * i));
            for (int j = 1; j <= 25; j++)
            {
                await SendAsync(app.Id, T0.AddSeconds(100 * i + j), "invoice.voided");
            }
        }
        await SendAsync(app.Id, T0.AddSeconds(5000), "invoice.sent");

        // The window gives the first endpoint's earliest; of the other five an equal part each would be 3 and 1, and
        // the part the second endpoint could not use goes to the first.
        var claimed = await ClaimAsync(T0.AddHours(2), max: 6, busy.Id);
        Assert.Equal(6, claimed.Count);
        Assert.Equal(5, claimed.Count(d => d.EndpointId == many.Id));
        Assert.Single(claimed, d => d.EndpointId == one.Id);
    }

    [Fact]
    public async Task ClaimDue_ReportsADisabledEndpoint_SoTheDispatcherCanGiveUp()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        await Store.UpdateEndpointAsync(endpoint with { Disabled = true }, Ct);

        Assert.True((await ClaimOneAsync(T0)).EndpointDisabled);
    }

    [Fact]
    public async Task RecordResults_Success_StoresTheAttempt_EndsTheDelivery_AndClearsFailingSince()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await Store.UpdateEndpointAsync(endpoint with { FailingSince = T0.AddHours(-1) }, Ct);
        var (message, _) = await SendAsync(app.Id);
        var due = await ClaimOneAsync(T0);
        var result = Result(due, T0.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded);

        Assert.Empty(await RecordAsync(result));

        var attempt = await Store.GetAttemptAsync(app.Id, message.Id, result.Attempt!.Id, Ct);
        Assert.NotNull(attempt);
        Assert.Equal((endpoint.Id, DeliveryStatus.Success, 200, "answer 200", 12L, T0.AddSeconds(1), """{"webhook-id":"x"}""", endpoint.Url),
            (attempt.EndpointId, attempt.Status, attempt.ResponseStatusCode, attempt.Response, attempt.ResponseDurationMs, attempt.Timestamp, attempt.RequestHeadersJson, attempt.Url));
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        Assert.Empty(await ClaimAsync(T0.AddDays(1)));
        Assert.Null((await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct))?.FailingSince);
        Assert.Equal(DeliveryStatus.Success, (await Store.ListMessageDestinationsAsync(app.Id, message.Id, new PageRequest(10), Ct)).Data[0].Status);
    }

    [Fact]
    public async Task RecordResults_AResponseWithANulOrAnUnpairedSurrogate_IsStoredWithThemReplaced()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var (message, _) = await SendAsync(app.Id);
        var due = await ClaimOneAsync(T0);
        var result = Result(due, T0.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded);
        result = result with { Attempt = result.Attempt! with { Response = "ok\0done \uD800 \uD83D\uDE00" } };

        Assert.Empty(await RecordAsync(result));

        var attempt = await Store.GetAttemptAsync(app.Id, message.Id, result.Attempt!.Id, Ct);
        Assert.Equal("ok\uFFFDdone \uFFFD \uD83D\uDE00", attempt?.Response);
        Assert.Equal(DeliveryStatus.Success, (await Store.ListMessageDestinationsAsync(app.Id, message.Id, new PageRequest(10), Ct)).Data[0].Status);
    }

    [Fact]
    public async Task RecordResults_Retry_ReschedulesTheDelivery()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        var due = await ClaimOneAsync(T0);

        await RecordAsync(Result(due, T0, DeliveryStatus.Pending, 503, EndpointHealth.Failed, nextAttemptAt: T0.AddSeconds(5)));

        Assert.Equal(T0.AddSeconds(5), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        Assert.Empty(await ClaimAsync(T0.AddSeconds(4)));
        var retry = await ClaimOneAsync(T0.AddSeconds(5));
        Assert.Equal((due.DeliveryId, 1), (retry.DeliveryId, retry.AttemptsMade));
    }

    [Fact]
    public async Task RecordResults_Gone_DisablesTheEndpointAtOnce()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);

        var disabled = await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Fail, 410, EndpointHealth.Gone));

        Assert.Equal([endpoint.Id], disabled);
        var found = await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct);
        Assert.True(found?.Disabled);
        Assert.Contains("410", found?.DisabledReason, StringComparison.Ordinal);
        Assert.Equal(0, (await SendAsync(app.Id, T0.AddSeconds(1))).Deliveries);
    }

    [Fact]
    public async Task RecordResults_Failures_DisableTheEndpointOnlyOnceFailingLongerThanAllowed()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        var allowed = TimeSpan.FromDays(5);
        await SendAsync(app.Id);
        var t1 = T0.AddHours(1);

        Assert.Empty(await RecordAsync(Result(await ClaimOneAsync(T0), t1, DeliveryStatus.Pending, 500, EndpointHealth.Failed, t1, t1 - allowed)));
        Assert.Equal(t1, (await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct))?.FailingSince);

        var t2 = t1 + allowed - TimeSpan.FromMilliseconds(1);
        Assert.Empty(await RecordAsync(Result(await ClaimOneAsync(t1), t2, DeliveryStatus.Pending, 500, EndpointHealth.Failed, t2, t2 - allowed)));
        Assert.Equal(t1, (await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct))?.FailingSince);

        var t3 = t1 + allowed;
        Assert.Equal([endpoint.Id], await RecordAsync(Result(await ClaimOneAsync(t2), t3, DeliveryStatus.Fail, 500, EndpointHealth.Failed, null, t3 - allowed)));
        var found = await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct);
        Assert.True(found?.Disabled);
        Assert.NotNull(found?.DisabledReason);
    }

    [Fact]
    public async Task RecordResults_UntouchedHealth_LeavesTheEndpointAlone()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);

        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Fail, 0, EndpointHealth.Untouched, null, T0.AddYears(1)));

        var found = await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct);
        Assert.Equal((false, (DateTimeOffset?)null), (found?.Disabled, found?.FailingSince));
    }

    [Fact]
    public async Task Release_ReturnsClaimedDeliveriesToPending_DueAtTheGivenTime()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id);
        await SendAsync(app.Id, T0.AddSeconds(1));
        var claimed = await ClaimAsync(T0.AddSeconds(1));
        await RecordAsync(Result(claimed[1], T0.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded));

        await Store.ReleaseAsync(claimed, T0.AddSeconds(10), Ct);

        Assert.Equal(T0.AddSeconds(10), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        Assert.Empty(await ClaimAsync(T0.AddSeconds(9)));
        Assert.Equal(claimed[0].DeliveryId, (await ClaimOneAsync(T0.AddSeconds(10))).DeliveryId); // the delivered one stays delivered
    }

    [Fact]
    public async Task Resend_QueuesAManualAttemptNow()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        var later = await CreateEndpointAsync(app.Id, eventTypes: ["invoice.voided"]);
        var (message, _) = await SendAsync(app.Id);
        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Success, 200, EndpointHealth.Succeeded));

        Assert.True(await Store.ResendAsync(app.Id, message.Id, endpoint.Id, T0.AddHours(1), Ct));
        Assert.True(await Store.ResendAsync(app.Id, message.Id, later.Id, T0.AddHours(1), Ct));
        Assert.False(await Store.ResendAsync(app.Id, "msg_unknown", endpoint.Id, T0.AddHours(1), Ct));
        Assert.False(await Store.ResendAsync(app.Id, message.Id, "ep_unknown", T0.AddHours(1), Ct));

        Assert.Equal(T0.AddHours(1), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var resent = await ClaimAsync(T0.AddHours(1));
        Assert.Equal(Ids(endpoint, later), resent.Select(d => d.EndpointId).Order(StringComparer.Ordinal));
        Assert.All(resent, d => Assert.Equal((message.Id, TriggerType.Manual), (d.MsgId, d.Trigger)));
    }

    [Fact]
    public async Task NextDueAt_IsNullWithNothingWaiting()
    {
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var app = await CreateAppAsync();
        await SendAsync(app.Id); // no endpoint: nothing to deliver
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
    }
}
