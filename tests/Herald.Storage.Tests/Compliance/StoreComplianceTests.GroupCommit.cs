using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

// Both stores let concurrent message writes share a transaction; whatever one of them does wrong fails it alone.
public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task ConcurrentMessages_ADuplicateEventIdOrALostIdempotencyClaim_FailsOnlyItsOwnRequest()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id, eventId: "order-taken");
        var stale = await Store.ClaimIdempotencyKeyAsync("app|stale", "AA", T0, T0.AddHours(-12), TimeSpan.FromSeconds(1), Ct);
        // A retry takes the key over after the first claim timed out: the first claim's write must not commit.
        var retry = await Store.ClaimIdempotencyKeyAsync("app|stale", "AA", T0.AddSeconds(5), T0.AddHours(-12), TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(IdempotencyClaimState.Claimed, retry.State);

        var writes = new List<Task<int>>();
        var messages = new List<Message>();
        for (int i = 0; i < 60; i++)
        {
            var at = T0.AddMilliseconds(i);
            var message = new Message
            {
                Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = Paid, Payload = Payload, CreatedAt = at,
                EventId = i switch { 10 => "order-taken", 20 or 21 => "order-twice", _ => $"order-{i}" },
            };
            messages.Add(message);
            var completion = i == 30 ? new IdempotencyCompletion("app|stale", stale.Token!, new StoredResponse("AA", 202, "{}", at)) : null;
            writes.Add(Store.CreateMessageAsync(message, null, null, completion, Ct));
        }
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                return (object)await w;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));

        Assert.IsType<DuplicateException>(outcomes[10]);
        Assert.IsType<IdempotencyClaimLostException>(outcomes[30]);
        // Of two new messages with one eventId, exactly one is stored.
        Assert.Single(new[] { outcomes[20], outcomes[21] }, o => o is DuplicateException);
        Assert.Equal(57, outcomes.Count(o => o is 1));
        var stored = new List<Message>();
        string? iterator = null;
        do
        {
            var page = await Store.ListMessagesAsync(app.Id, new MessageQuery { Page = new PageRequest(50, iterator) }, Ct);
            stored.AddRange(page.Data);
            iterator = page.Done ? null : page.Iterator;
        }
        while (iterator is not null);
        Assert.Equal(58, stored.Count); // the first order-taken and 57 new ones
        Assert.DoesNotContain(stored, m => m.Id == messages[10].Id || m.Id == messages[30].Id);
        Assert.Equal(58, (await Store.GetEndpointStatsAsync(app.Id, endpoint.Id, null, null, Ct)).Pending);
        var again = await Store.ClaimIdempotencyKeyAsync("app|stale", "AA", T0.AddSeconds(6), T0.AddHours(-12), TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(IdempotencyClaimState.InProgress, again.State); // still the retry's claim, untouched
    }
}
