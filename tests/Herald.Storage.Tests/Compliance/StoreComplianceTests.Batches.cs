using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

// Concurrent messages written together (group commit) each get exactly the deliveries a message written alone would:
// per application, per filter, with held (breaker-open) endpoints, born claimed or not, and the delivery ids returned
// are those of their own rows.
public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task ConcurrentMessages_OfSeveralApplications_EachGetTheDeliveriesTheirEndpointsAccept()
    {
        var shop = await CreateAppAsync();
        var held = await CreateEndpointAsync(shop.Id);
        var probeAt = await OpenBreakerAsync(shop.Id, held.Id);
        var all = await CreateEndpointAsync(shop.Id);
        var paidOnly = await CreateEndpointAsync(shop.Id, eventTypes: [Paid]);
        var euOnly = await CreateEndpointAsync(shop.Id, channels: ["eu"]);
        var bakery = await CreateAppAsync();
        var bakeryAll = await CreateEndpointAsync(bakery.Id);
        var voidOnly = await CreateEndpointAsync(bakery.Id, eventTypes: ["invoice.void"]);
        await SendAsync(bakery.Id, T0, eventId: "stored-before");
        var fresh = await Store.ClaimIdempotencyKeyAsync("app|fresh", "F1", T0, T0.AddHours(-12), TimeSpan.FromMinutes(1), Ct);
        var dupKey = await Store.ClaimIdempotencyKeyAsync("app|dup", "D1", T0, T0.AddHours(-12), TimeSpan.FromMinutes(1), Ct);

        var messages = new List<Message>();
        var expected = new List<string[]>();
        var writes = new List<Task<object>>();
        for (int i = 0; i < 48; i++)
        {
            var at = T0.AddSeconds(2).AddMilliseconds(i);
            var app = i % 2 == 0 ? shop : bakery;
            string type = i % 3 == 0 ? "invoice.void" : Paid;
            IReadOnlyList<string>? channels = (i % 4) switch { 0 => ["eu"], 1 => ["us"], _ => null };
            string? only = i == 14 ? euOnly.Id : null; // an "only" endpoint is sent to whatever its filters say
            var message = new Message
            {
                Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = type, Channels = i == 14 ? null : channels, Payload = Payload, CreatedAt = at,
                EventId = i switch { 7 or 9 => "twice-in-batch", 11 => "stored-before", 12 => "stored-before", _ => $"event-{i}" },
            };
            messages.Add(message);
            expected.Add(only is not null ? [euOnly.Id]
                : app == shop ? new[] { held.Id, all.Id, type == Paid ? paidOnly.Id : null, channels?.Contains("eu") == true ? euOnly.Id : null }.OfType<string>().ToArray()
                : new[] { bakeryAll.Id, type == "invoice.void" ? voidOnly.Id : null }.OfType<string>().ToArray());
            var completion = i switch
            {
                16 => new IdempotencyCompletion("app|fresh", fresh.Token!, new StoredResponse("F1", 202, """{"id":"fresh"}""", at)),
                11 => new IdempotencyCompletion("app|dup", dupKey.Token!, new StoredResponse("D1", 202, "{}", at)),
                _ => null,
            };
            writes.Add(i % 5 == 0
                ? Outcome(Store.CreateMessageClaimedAsync(message, null, Lease, completion, Ct))
                : Outcome(Store.CreateMessageAsync(message, at.AddDays(1), only, completion, Ct)));
        }
        var outcomes = await Task.WhenAll(writes);

        Assert.IsType<DuplicateException>(outcomes[11]); // the application has it already
        Assert.Single(new[] { outcomes[7], outcomes[9] }, o => o is DuplicateException);
        Assert.Equal(46, outcomes.Count(o => o is not Exception)); // the same eventId in another application is no duplicate
        var claimedIds = new HashSet<long>();
        var results = new List<DeliveryResult>();
        for (int i = 0; i < messages.Count; i++)
        {
            if (outcomes[i] is Exception)
            {
                continue;
            }
            var destinations = (await Store.ListMessageDestinationsAsync(messages[i].AppId, messages[i].Id, new PageRequest(50), Ct)).Data;
            Assert.Equal(expected[i].Order(StringComparer.Ordinal), destinations.Select(d => d.Endpoint.Id).Order(StringComparer.Ordinal));
            var heldBack = destinations.SingleOrDefault(d => d.Endpoint.Id == held.Id);
            Assert.True(heldBack is null || (heldBack.Status, heldBack.NextAttempt) == (DeliveryStatus.Pending, probeAt));
            if (outcomes[i] is int count)
            {
                Assert.Equal(expected[i].Length, count);
                continue;
            }
            // Born claimed: every delivery but the held one, each the row of its own message and endpoint.
            var claimed = Assert.IsAssignableFrom<IReadOnlyList<DueDelivery>>(outcomes[i]);
            Assert.Equal(expected[i].Where(e => e != held.Id).Order(StringComparer.Ordinal), claimed.Select(d => d.EndpointId).Order(StringComparer.Ordinal));
            Assert.All(claimed, d => Assert.Equal((messages[i].Id, messages[i].AppId, messages[i].CreatedAt + Lease, false), (d.MsgId, d.AppId, d.LeaseUntil, d.BreakerOpen)));
            Assert.All(claimed, d => Assert.True(claimedIds.Add(d.DeliveryId)));
            results.AddRange(claimed.Select(d => Result(d, T0.AddSeconds(3), DeliveryStatus.Success, 200, EndpointHealth.Succeeded)));
        }
        Assert.NotEmpty(results);
        await Store.RecordResultsAsync(results, Ct);
        foreach (var r in results)
        {
            // The id the write returned is that delivery's row: its result landed on the message and endpoint it named.
            var destinations = (await Store.ListMessageDestinationsAsync(r.Attempt!.AppId, r.Attempt.MsgId, new PageRequest(50), Ct)).Data;
            Assert.Equal(DeliveryStatus.Success, destinations.Single(d => d.Endpoint.Id == r.Attempt.EndpointId).Status);
        }

        var answered = await Store.ClaimIdempotencyKeyAsync("app|fresh", "F1", T0.AddSeconds(5), T0.AddHours(-12), TimeSpan.FromMinutes(1), Ct);
        Assert.Equal((IdempotencyClaimState.Completed, 202, """{"id":"fresh"}"""), (answered.State, answered.Response!.StatusCode, answered.Response.Body));
        // The duplicate's key was not completed: its request stored nothing.
        var stillOpen = await Store.ClaimIdempotencyKeyAsync("app|dup", "D1", T0.AddSeconds(5), T0.AddHours(-12), TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(IdempotencyClaimState.InProgress, stillOpen.State);
    }

    /// <summary>Fails three deliveries of a message sent to <paramref name="endpointId"/> alone until its breaker opens; returns its probe time.</summary>
    private async Task<DateTimeOffset> OpenBreakerAsync(string appId, string endpointId)
    {
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(appId, T0.AddMilliseconds(i), onlyEndpointId: endpointId);
        }
        var claimed = await ClaimAsync(T0.AddSeconds(1));
        Assert.Equal(3, claimed.Count);
        var opened = Assert.Single((await Store.RecordResultsAsync(claimed.Select(d => Failed(d, T0.AddSeconds(1))).ToList(), Ct)).Breakers);
        Assert.True(opened.Breaker.Open);
        return opened.Breaker.NextProbeAt!.Value;
    }

    private static async Task<object> Outcome<T>(Task<T> write)
    {
        try
        {
            return (await write)!;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
