using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

/// <summary>
/// Ordered endpoints: one message of a key out at a time, in acceptance order; a retrying head holds its key and no
/// other; an exhausted head is skipped or holds its key as the endpoint says; a lost lease does not reorder or skip.
/// </summary>
public abstract partial class StoreComplianceTests
{
    private async Task<Endpoint> CreateOrderedEndpointAsync(string appId, OrderingMode mode = OrderingMode.Key, OrderingOnExhaustion onExhaustion = OrderingOnExhaustion.Skip)
    {
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = appId, Url = "https://shop.example/ordered", Secret = "whsec_current",
            Ordering = mode, OrderingOnExhaustion = onExhaustion, CreatedAt = T0, UpdatedAt = T0,
        };
        await Store.CreateEndpointAsync(endpoint, Ct);
        return endpoint;
    }

    private async Task<Message> SendKeyedAsync(string appId, string? key, DateTimeOffset? at = null, IReadOnlyList<string>? channels = null)
    {
        var time = at ?? T0;
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, time), AppId = appId, EventType = Paid, Channels = channels, Payload = Payload,
            CreatedAt = time, OrderingKey = key,
        };
        await Store.CreateMessageAsync(message, null, null, Ct);
        return message;
    }

    private static DeliveryResult Retry(DueDelivery d, DateTimeOffset now, DateTimeOffset next) =>
        Result(d, now, DeliveryStatus.Pending, 500, EndpointHealth.Failed, next) with { Ordered = d.OrderingKey is not null };

    private static DeliveryResult Done(DueDelivery d, DateTimeOffset now, DeliveryStatus status = DeliveryStatus.Success) =>
        Result(d, now, status, status == DeliveryStatus.Success ? 200 : 500, status == DeliveryStatus.Success ? EndpointHealth.Succeeded : EndpointHealth.Failed)
            with { Ordered = d.OrderingKey is not null };

    [Fact]
    public async Task OrderedEndpoint_ClaimsOnlyTheHeadOfEachKey_AndUnorderedWorkAsBefore()
    {
        var app = await CreateAppAsync();
        var ordered = await CreateOrderedEndpointAsync(app.Id);
        var plain = await CreateEndpointAsync(app.Id);
        var a1 = await SendKeyedAsync(app.Id, "order-a");
        var b1 = await SendKeyedAsync(app.Id, "order-b", T0.AddMilliseconds(1));
        await SendKeyedAsync(app.Id, "order-a", T0.AddMilliseconds(2));
        await SendKeyedAsync(app.Id, "order-b", T0.AddMilliseconds(3));

        var claimed = await ClaimAsync(T0.AddSeconds(1));

        var toOrdered = claimed.Where(d => d.EndpointId == ordered.Id).ToList();
        Assert.Equal([a1.Id, b1.Id], toOrdered.Select(d => d.MsgId).Order(StringComparer.Ordinal));
        Assert.Equal(["order-a", "order-b"], toOrdered.Select(d => d.OrderingKey!).Order(StringComparer.Ordinal));
        Assert.Equal(4, claimed.Count(d => d.EndpointId == plain.Id)); // the unordered endpoint gets every message at once
        Assert.All(claimed.Where(d => d.EndpointId == plain.Id), d => Assert.Null(d.OrderingKey));
        Assert.Empty(await ClaimAsync(T0.AddSeconds(2)));
    }

    [Fact]
    public async Task OrderedEndpoint_ARetryingHeadHoldsItsKey_AndNoOther_ThenItsSuccessorIsDueAtOnce()
    {
        var app = await CreateAppAsync();
        await CreateOrderedEndpointAsync(app.Id);
        var a1 = await SendKeyedAsync(app.Id, "order-a");
        var a2 = await SendKeyedAsync(app.Id, "order-a", T0.AddMilliseconds(1));
        var head = await ClaimOneAsync(T0);
        Assert.Equal(a1.Id, head.MsgId);
        await RecordAsync(Retry(head, T0.AddSeconds(1), T0.AddMinutes(1)));

        var b1 = await SendKeyedAsync(app.Id, "order-b", T0.AddSeconds(2));
        var other = await ClaimOneAsync(T0.AddSeconds(3));
        Assert.Equal(b1.Id, other.MsgId); // another key does not wait
        await RecordAsync(Done(other, T0.AddSeconds(4)));
        Assert.Empty(await ClaimAsync(T0.AddSeconds(30))); // a2 waits for a1's retry

        var retried = await ClaimOneAsync(T0.AddMinutes(1));
        Assert.Equal(a1.Id, retried.MsgId);
        Assert.Empty(await ClaimAsync(T0.AddMinutes(1))); // a1 is out: a2 still waits
        await RecordAsync(Done(retried, T0.AddMinutes(1).AddSeconds(1)));

        Assert.Equal(T0.AddMinutes(1).AddSeconds(1), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        Assert.Equal(a2.Id, (await ClaimOneAsync(T0.AddMinutes(1).AddSeconds(1))).MsgId);
    }

    [Fact]
    public async Task OrderedEndpoint_SkipOnExhaustion_SendsTheNextMessageOfTheKey()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateOrderedEndpointAsync(app.Id, OrderingMode.Endpoint, OrderingOnExhaustion.Skip);
        await SendKeyedAsync(app.Id, null);
        var second = await SendKeyedAsync(app.Id, null, T0.AddMilliseconds(1));

        await RecordAsync(Done(await ClaimOneAsync(T0), T0.AddSeconds(1), DeliveryStatus.Fail));

        Assert.Equal(second.Id, (await ClaimOneAsync(T0.AddSeconds(1))).MsgId);
        Assert.Empty(await Store.ListOrderingBlocksAsync(app.Id, endpoint.Id, 10, Ct));
    }

    [Fact]
    public async Task OrderedEndpoint_HoldOnExhaustion_HoldsTheKeyUntilTheOperatorSkipsIt()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateOrderedEndpointAsync(app.Id, OrderingMode.Key, OrderingOnExhaustion.Hold);
        var a1 = await SendKeyedAsync(app.Id, "order-a");
        var a2 = await SendKeyedAsync(app.Id, "order-a", T0.AddMilliseconds(1));
        var b1 = await SendKeyedAsync(app.Id, "order-b", T0.AddMilliseconds(2));
        var heads = await ClaimAsync(T0.AddSeconds(1));
        await RecordAsync(Done(heads.Single(d => d.MsgId == a1.Id), T0.AddSeconds(1), DeliveryStatus.Fail));
        await RecordAsync(Done(heads.Single(d => d.MsgId == b1.Id), T0.AddSeconds(1)));

        Assert.Empty(await ClaimAsync(T0.AddHours(1)));
        var block = Assert.Single(await Store.ListOrderingBlocksAsync(app.Id, endpoint.Id, 10, Ct));
        Assert.Equal(("order-a", a1.Id, true, 1L, DeliveryStatus.Fail), (block.Key, block.HeadMsgId, block.Held, block.Waiting, block.Status));
        Assert.Equal("answer 500", block.LastResponse);

        Assert.Equal(0, await Store.SkipHeldAsync(app.Id, endpoint.Id, "order-b", T0.AddHours(1), Ct));
        Assert.Equal(1, await Store.SkipHeldAsync(app.Id, endpoint.Id, "order-a", T0.AddHours(1), Ct));

        Assert.Equal(a2.Id, (await ClaimOneAsync(T0.AddHours(1))).MsgId);
        Assert.Empty(await Store.ListOrderingBlocksAsync(app.Id, endpoint.Id, 10, Ct));
        Assert.Equal(DeliveryStatus.Fail, (await Store.ListMessageDestinationsAsync(app.Id, a1.Id, new PageRequest(10), Ct)).Data.Single().Status);
    }

    [Fact]
    public async Task OrderedEndpoint_AHeldHeadResent_IsSentFirst_ThenTheKeyMovesOn()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateOrderedEndpointAsync(app.Id, OrderingMode.Endpoint, OrderingOnExhaustion.Hold);
        var first = await SendKeyedAsync(app.Id, null);
        var second = await SendKeyedAsync(app.Id, null, T0.AddMilliseconds(1));
        await RecordAsync(Done(await ClaimOneAsync(T0), T0.AddSeconds(1), DeliveryStatus.Fail));

        Assert.True(await Store.ResendAsync(app.Id, first.Id, endpoint.Id, T0.AddMinutes(5), Ct));

        var resent = await ClaimOneAsync(T0.AddMinutes(5));
        Assert.Equal(first.Id, resent.MsgId);
        await RecordAsync(Done(resent, T0.AddMinutes(5).AddSeconds(1)));
        Assert.Equal(second.Id, (await ClaimOneAsync(T0.AddMinutes(5).AddSeconds(1))).MsgId);
    }

    [Fact]
    public async Task OrderedEndpoint_ALaterMessageResent_StillWaitsForTheEarlierOneOfItsKey()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateOrderedEndpointAsync(app.Id, OrderingMode.Endpoint);
        var first = await SendKeyedAsync(app.Id, null);
        var second = await SendKeyedAsync(app.Id, null, T0.AddMilliseconds(1));
        var head = await ClaimOneAsync(T0);
        await RecordAsync(Retry(head, T0.AddSeconds(1), T0.AddMinutes(10)));

        Assert.True(await Store.ResendAsync(app.Id, second.Id, endpoint.Id, T0.AddMinutes(1), Ct)); // due now, but not its turn

        Assert.Empty(await ClaimAsync(T0.AddMinutes(1)));
        var retried = await ClaimOneAsync(T0.AddMinutes(10));
        Assert.Equal(first.Id, retried.MsgId);
        await RecordAsync(Done(retried, T0.AddMinutes(10)));
        Assert.Equal(second.Id, (await ClaimOneAsync(T0.AddMinutes(10))).MsgId);
    }

    [Fact]
    public async Task OrderedEndpoint_AHeadDeletedByRetention_LetsTheNextMessageGo_AtTheNextSweep()
    {
        var app = await CreateAppAsync();
        await CreateOrderedEndpointAsync(app.Id, OrderingMode.Endpoint);
        await SendKeyedAsync(app.Id, null);
        var later = await SendKeyedAsync(app.Id, null, T0.AddHours(1));
        await RecordAsync(Retry(await ClaimOneAsync(T0), T0.AddSeconds(1), T0.AddDays(1)));

        var deleted = await Store.DeleteMessagesBeforeAsync(T0.AddMinutes(30), 100, Ct); // the head, not the later message
        Assert.Equal(1, deleted.Messages);

        // Nothing made the later message due when its predecessor vanished; the claim's sweep does.
        Assert.Equal(later.Id, (await ClaimOneAsync(T0.AddHours(1).AddSeconds(1))).MsgId);
    }

    [Fact]
    public async Task OrderedEndpoint_AnExpiredLease_IsClaimedAgainBeforeAnySuccessor()
    {
        var app = await CreateAppAsync();
        await CreateOrderedEndpointAsync(app.Id, OrderingMode.Endpoint);
        var first = await SendKeyedAsync(app.Id, null);
        await SendKeyedAsync(app.Id, null, T0.AddMilliseconds(1));
        var lost = await ClaimOneAsync(T0); // the node holding it dies

        Assert.Empty(await ClaimAsync(T0 + Lease - TimeSpan.FromSeconds(1)));
        var again = await ClaimOneAsync(T0 + Lease);

        Assert.Equal(first.Id, again.MsgId);
        Assert.True(again.LeaseToken > lost.LeaseToken);
        await RecordAsync(Done(lost, T0 + Lease)); // the dead node's late result is fenced off
        Assert.Empty(await ClaimAsync(T0 + Lease + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task OrderedEndpoint_AfterARestart_TheHeadGoesFirst()
    {
        var app = await CreateAppAsync();
        await CreateOrderedEndpointAsync(app.Id, OrderingMode.Endpoint);
        var first = await SendKeyedAsync(app.Id, null);
        await SendKeyedAsync(app.Id, null, T0.AddMilliseconds(1));
        await ClaimOneAsync(T0);

        await RestartAsync(T0.AddSeconds(5));

        Assert.Equal(first.Id, (await ClaimOneAsync(T0.AddSeconds(5))).MsgId);
    }

    [Fact]
    public async Task OrderedEndpoint_NewMessagesAreNeverBornClaimed_AndChannelModeKeysByTheFirstChannel()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateOrderedEndpointAsync(app.Id, OrderingMode.Channel);
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, T0), AppId = app.Id, EventType = Paid, Channels = ["order-7", "eu"], Payload = Payload, CreatedAt = T0,
        };

        var born = Assert.Single(await Store.CreateMessageClaimedAsync(message, null, Lease, Ct));
        Assert.Equal("order-7", born.OrderingKey);
        var second = await SendKeyedAsync(app.Id, "ignored-here", T0.AddMilliseconds(1), ["order-7"]);
        var other = await SendKeyedAsync(app.Id, null, T0.AddMilliseconds(2), ["order-8"]);

        var claimed = await ClaimAsync(T0.AddSeconds(1));
        Assert.Equal([message.Id, other.Id], claimed.Select(d => d.MsgId).Order(StringComparer.Ordinal));
        await RecordAsync(Done(claimed.Single(d => d.MsgId == message.Id), T0.AddSeconds(2)));
        var next = await ClaimOneAsync(T0.AddSeconds(2));
        Assert.Equal((second.Id, endpoint.Id, "order-7"), (next.MsgId, next.EndpointId, next.OrderingKey));
    }

    [Fact]
    public async Task OrderedEndpoint_Settings_RoundTrip()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateOrderedEndpointAsync(app.Id, OrderingMode.Channel, OrderingOnExhaustion.Hold);

        var stored = await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct);
        Assert.Equal((OrderingMode.Channel, OrderingOnExhaustion.Hold), (stored!.Ordering, stored.OrderingOnExhaustion));
        await Store.UpdateEndpointAsync(stored with { Ordering = OrderingMode.None }, Ct);
        Assert.Equal(OrderingMode.None, (await Store.GetEndpointAsync(app.Id, endpoint.Id, Ct))!.Ordering);
    }
}
