using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    protected static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(15);

    protected Task<IdempotencyClaim> ClaimKeyAsync(string key, string hash, DateTimeOffset now, DateTimeOffset? notBefore = null) =>
        Store.ClaimIdempotencyKeyAsync(key, hash, now, notBefore ?? now.AddHours(-12), ClaimTimeout, Ct);

    /// <summary>Claims <paramref name="key"/> and stores an answer for it on its own.</summary>
    protected async Task CompleteAsync(string key, DateTimeOffset at, string hash = "AA", string body = "{}")
    {
        var claim = await ClaimKeyAsync(key, hash, at);
        Assert.Equal(IdempotencyClaimState.Claimed, claim.State);
        Assert.True(await Store.CompleteIdempotencyKeyAsync(new IdempotencyCompletion(key, claim.Token!, new StoredResponse(hash, 200, body, at)), Ct));
    }

    private static Message NewMessage(string appId, DateTimeOffset at) => new()
    {
        Id = HeraldId.New(HeraldId.Message, at), AppId = appId, EventType = Paid, Payload = Payload, CreatedAt = at,
    };

    private static IdempotencyCompletion Answer(IdempotencyClaim claim, string key, Message message) =>
        new(key, claim.Token!, new StoredResponse(claim.RequestHash, 202, $$"""{"id":"{{message.Id}}"}""", message.CreatedAt));

    [Fact]
    public async Task ClaimIdempotencyKey_NewKey_IsClaimedOnce_AndOthersSeeItInProgressWithItsHash()
    {
        var first = await ClaimKeyAsync("app_1|order-1", "AA", T0);
        var same = await ClaimKeyAsync("app_1|order-1", "AA", T0.AddSeconds(1));
        var other = await ClaimKeyAsync("app_1|order-1", "BB", T0.AddSeconds(1));
        var elsewhere = await ClaimKeyAsync("app_2|order-1", "BB", T0.AddSeconds(1));

        Assert.Equal(IdempotencyClaimState.Claimed, first.State);
        Assert.False(string.IsNullOrEmpty(first.Token));
        Assert.Equal(new IdempotencyClaim(IdempotencyClaimState.InProgress, "AA"), same);
        Assert.Equal(new IdempotencyClaim(IdempotencyClaimState.InProgress, "AA"), other);
        Assert.Equal(IdempotencyClaimState.Claimed, elsewhere.State);
    }

    [Fact]
    public async Task CreateMessage_WithCompletion_StoresTheAnswerWithTheMessage()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var claim = await ClaimKeyAsync("k", "AA", T0);
        var message = NewMessage(app.Id, T0);

        Assert.Equal(1, await Store.CreateMessageAsync(message, null, null, Answer(claim, "k", message), Ct));

        // Long after the claim's timeout the key still answers with its message: the answer is the message's.
        var again = await ClaimKeyAsync("k", "AA", T0.AddHours(1));
        Assert.Equal(IdempotencyClaimState.Completed, again.State);
        Assert.Equal(new StoredResponse("AA", 202, $$"""{"id":"{{message.Id}}"}""", T0), again.Response);
        Assert.NotNull(await Store.GetMessageAsync(app.Id, message.Id, Ct));
    }

    [Fact]
    public async Task CreateMessageClaimed_WithCompletion_StoresTheAnswerWithTheMessage()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var claim = await ClaimKeyAsync("k", "AA", T0);
        var message = NewMessage(app.Id, T0);

        Assert.Single(await Store.CreateMessageClaimedAsync(message, null, Lease, Answer(claim, "k", message), Ct));

        var again = await ClaimKeyAsync("k", "AA", T0.AddMinutes(5));
        Assert.Equal(IdempotencyClaimState.Completed, again.State);
        Assert.Contains(message.Id, again.Response!.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimIdempotencyKey_AbandonedClaim_IsTakenOverAfterItsTimeout_AndTheOldHolderStoresNothing()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var dead = await ClaimKeyAsync("k", "AA", T0);

        Assert.Equal(IdempotencyClaimState.InProgress, (await ClaimKeyAsync("k", "AA", T0 + ClaimTimeout - TimeSpan.FromMilliseconds(1))).State);
        var retry = await ClaimKeyAsync("k", "AA", T0 + ClaimTimeout);
        Assert.Equal(IdempotencyClaimState.Claimed, retry.State);
        Assert.NotEqual(dead.Token, retry.Token);

        // The first holder was only slow: its message must not be stored beside the retry's.
        var late = NewMessage(app.Id, T0.AddSeconds(20));
        await Assert.ThrowsAsync<IdempotencyClaimLostException>(() => Store.CreateMessageAsync(late, null, null, Answer(dead, "k", late), Ct));
        await Assert.ThrowsAsync<IdempotencyClaimLostException>(() => Store.CreateMessageClaimedAsync(late, null, Lease, Answer(dead, "k", late), Ct));
        Assert.Null(await Store.GetMessageAsync(app.Id, late.Id, Ct));
        Assert.False(await Store.CompleteIdempotencyKeyAsync(new IdempotencyCompletion("k", dead.Token!, new StoredResponse("AA", 200, "{}", T0)), Ct));

        var message = NewMessage(app.Id, T0.AddSeconds(21));
        Assert.Equal(1, await Store.CreateMessageAsync(message, null, null, Answer(retry, "k", message), Ct));
        Assert.Contains(message.Id, (await ClaimKeyAsync("k", "AA", T0.AddMinutes(1))).Response!.Body, StringComparison.Ordinal);
        Assert.Single((await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data);
    }

    [Fact]
    public async Task ReleaseIdempotencyKey_FreesAKeyInProgress_ButNeverAStoredAnswer()
    {
        var failed = await ClaimKeyAsync("k", "AA", T0);
        await Store.ReleaseIdempotencyKeyAsync("k", failed.Token!, Ct);
        var reused = await ClaimKeyAsync("k", "BB", T0.AddSeconds(1));
        Assert.Equal(IdempotencyClaimState.Claimed, reused.State);

        // A stale holder cannot release the new claim, and nobody can release a completed key.
        await Store.ReleaseIdempotencyKeyAsync("k", failed.Token!, Ct);
        Assert.Equal(IdempotencyClaimState.InProgress, (await ClaimKeyAsync("k", "BB", T0.AddSeconds(2))).State);
        Assert.True(await Store.CompleteIdempotencyKeyAsync(new IdempotencyCompletion("k", reused.Token!, new StoredResponse("BB", 201, """{"id":"app_1"}""", T0)), Ct));
        await Store.ReleaseIdempotencyKeyAsync("k", reused.Token!, Ct);
        Assert.Equal(new StoredResponse("BB", 201, """{"id":"app_1"}""", T0), (await ClaimKeyAsync("k", "BB", T0.AddSeconds(3))).Response);
    }

    [Fact]
    public async Task ClaimIdempotencyKey_AnswerOlderThanNotBefore_IsClaimedAfresh()
    {
        await CompleteAsync("k", T0, "AA");
        Assert.Equal(IdempotencyClaimState.Completed, (await ClaimKeyAsync("k", "BB", T0.AddHours(1), notBefore: T0)).State);
        var fresh = await ClaimKeyAsync("k", "BB", T0.AddHours(13), notBefore: T0.AddHours(1));
        Assert.Equal(IdempotencyClaimState.Claimed, fresh.State);
        Assert.Equal("BB", fresh.RequestHash);
    }

    [Fact]
    public async Task ClaimIdempotencyKey_TwentyConcurrentRequests_StoreOneMessage()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var claim = await ClaimKeyAsync("k", "AA", T0);
            if (claim.State != IdempotencyClaimState.Claimed)
            {
                return claim.State;
            }
            var message = NewMessage(app.Id, T0.AddMilliseconds(i));
            await Store.CreateMessageAsync(message, null, null, Answer(claim, "k", message), Ct);
            return claim.State;
        })));

        Assert.Single(outcomes, s => s == IdempotencyClaimState.Claimed);
        Assert.Single((await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data);
        Assert.Equal(IdempotencyClaimState.Completed, (await ClaimKeyAsync("k", "AA", T0.AddSeconds(1))).State);
    }

    [Fact]
    public async Task ProbeWrite_OnAHealthyStore_Succeeds()
    {
        await Store.ProbeWriteAsync(T0, Ct);
        await Store.ProbeWriteAsync(T0.AddSeconds(1), Ct);
        Assert.Equal(IdempotencyClaimState.Claimed, (await ClaimKeyAsync("k", "AA", T0)).State);
    }
}
