using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Receiver.Tests.Inbox;

/// <summary>What every <see cref="IWebhookInbox"/> must do; each provider's test class inherits this suite.</summary>
public abstract class InboxComplianceTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected IWebhookInbox Inbox { get; private set; } = null!;

    /// <summary>A store over the same database each time it is called (a "restart" when called again).</summary>
    protected abstract IWebhookInbox CreateInbox();

    public virtual Task InitializeAsync()
    {
        Inbox = CreateInbox();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await DisposeInboxAsync(Inbox);

    [Fact]
    public async Task TryAdd_StoresPending_AndRejectsTheSameIdAgain()
    {
        Assert.True(await AddAsync("msg_1", "{\"type\":\"a.b\"}"));
        Assert.False(await AddAsync("msg_1", "{\"other\":true}"));

        var entry = await Inbox.GetAsync("msg_1", default);
        Assert.NotNull(entry);
        Assert.Equal(InboxStatus.Pending, entry.Status);
        Assert.Equal(0, entry.Attempts);
        Assert.Equal("a.b", entry.EventType);
        Assert.Equal("{\"type\":\"a.b\"}", Encoding.UTF8.GetString(entry.Body.Span));
        Assert.Equal(Time.GetUtcNow(), entry.ReceivedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), entry.Timestamp);
        Assert.Null(await Inbox.GetAsync("msg_unknown", default));
    }

    [Fact]
    public async Task ClaimDue_MarksProcessing_CountsAnAttempt_AndDoesNotHandOutTwice()
    {
        await AddAsync("msg_1");
        Time.Advance(TimeSpan.FromSeconds(1));
        await AddAsync("msg_2");

        var claimed = await Inbox.ClaimDueAsync(10, Lease, default);
        var again = await Inbox.ClaimDueAsync(10, Lease, default);

        Assert.Equal(["msg_1", "msg_2"], claimed.Select(e => e.Id));
        Assert.All(claimed, e => Assert.Equal(InboxStatus.Processing, e.Status));
        Assert.All(claimed, e => Assert.Equal(1, e.Attempts));
        Assert.Empty(again);
    }

    [Fact]
    public async Task ClaimDue_RespectsMaxCount()
    {
        for (int i = 0; i < 5; i++)
        {
            await AddAsync($"msg_{i}");
        }

        Assert.Equal(2, (await Inbox.ClaimDueAsync(2, Lease, default)).Count);
        Assert.Equal(3, (await Inbox.ClaimDueAsync(10, Lease, default)).Count);
    }

    [Fact]
    public async Task ExpiredLease_MakesTheMessageClaimableAgain()
    {
        await AddAsync("msg_1");
        await Inbox.ClaimDueAsync(10, Lease, default);

        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await Inbox.ClaimDueAsync(10, Lease, default));
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(1), await Inbox.GetNextDueAsync(default));

        Time.Advance(TimeSpan.FromSeconds(1));
        var reclaimed = Assert.Single(await Inbox.ClaimDueAsync(10, Lease, default));
        Assert.Equal(2, reclaimed.Attempts);
    }

    [Fact]
    public async Task MarkFailed_WithRetryTime_IsPendingAndDueOnlyThen()
    {
        await AddAsync("msg_1");
        await Inbox.ClaimDueAsync(10, Lease, default);
        var retryAt = Time.GetUtcNow() + TimeSpan.FromSeconds(30);

        await Inbox.MarkFailedAsync("msg_1", "boom", retryAt, default);

        var entry = (await Inbox.GetAsync("msg_1", default))!;
        Assert.Equal(InboxStatus.Pending, entry.Status);
        Assert.Equal("boom", entry.LastError);
        Assert.Equal(retryAt, entry.NextAttemptAt);
        Assert.Equal(retryAt, await Inbox.GetNextDueAsync(default));
        Assert.Empty(await Inbox.ClaimDueAsync(10, Lease, default));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(await Inbox.ClaimDueAsync(10, Lease, default));
    }

    [Fact]
    public async Task MarkFailed_WithoutRetryTime_IsFailedForGood()
    {
        await AddAsync("msg_1");
        await Inbox.ClaimDueAsync(10, Lease, default);

        await Inbox.MarkFailedAsync("msg_1", "gave up", null, default);
        Time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(InboxStatus.Failed, (await Inbox.GetAsync("msg_1", default))!.Status);
        Assert.Empty(await Inbox.ClaimDueAsync(10, Lease, default));
        Assert.Null(await Inbox.GetNextDueAsync(default));
    }

    [Fact]
    public async Task MarkProcessed_SettlesTheMessage()
    {
        await AddAsync("msg_1");
        await Inbox.ClaimDueAsync(10, Lease, default);
        Time.Advance(TimeSpan.FromSeconds(2));

        await Inbox.MarkProcessedAsync("msg_1", default);
        Time.Advance(TimeSpan.FromDays(1));

        var entry = (await Inbox.GetAsync("msg_1", default))!;
        Assert.Equal(InboxStatus.Processed, entry.Status);
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromDays(1), entry.ProcessedAt);
        Assert.Empty(await Inbox.ClaimDueAsync(10, Lease, default));
    }

    [Fact]
    public async Task Requeue_MakesFailedOrProcessedPendingAgain_ButNotProcessing()
    {
        await AddAsync("msg_failed");
        await AddAsync("msg_busy");
        await Inbox.ClaimDueAsync(10, Lease, default);
        await Inbox.MarkFailedAsync("msg_failed", "boom", null, default);

        Assert.True(await Inbox.RequeueAsync("msg_failed", default));
        Assert.False(await Inbox.RequeueAsync("msg_busy", default));
        Assert.False(await Inbox.RequeueAsync("msg_unknown", default));

        var requeued = (await Inbox.GetAsync("msg_failed", default))!;
        Assert.Equal(InboxStatus.Pending, requeued.Status);
        Assert.Equal(0, requeued.Attempts);
        Assert.Equal("boom", requeued.LastError);
        Assert.Equal("msg_failed", Assert.Single(await Inbox.ClaimDueAsync(10, Lease, default)).Id);
    }

    [Fact]
    public async Task List_FiltersByStatus_NewestFirst()
    {
        await AddAsync("msg_1");
        Time.Advance(TimeSpan.FromSeconds(1));
        await AddAsync("msg_2");
        Time.Advance(TimeSpan.FromSeconds(1));
        await AddAsync("msg_3");
        var claimed = await Inbox.ClaimDueAsync(1, Lease, default);
        await Inbox.MarkProcessedAsync(claimed[0].Id, default);

        Assert.Equal(["msg_3", "msg_2", "msg_1"], (await Inbox.ListAsync(null, 10, default)).Select(e => e.Id));
        Assert.Equal(["msg_3", "msg_2"], (await Inbox.ListAsync(InboxStatus.Pending, 10, default)).Select(e => e.Id));
        Assert.Equal(["msg_1"], (await Inbox.ListAsync(InboxStatus.Processed, 10, default)).Select(e => e.Id));
        Assert.Single(await Inbox.ListAsync(null, 1, default));
    }

    [Fact]
    public async Task Messages_SurviveANewStoreInstance()
    {
        await AddAsync("msg_1");
        await AddAsync("msg_2");
        await Inbox.ClaimDueAsync(1, Lease, default);
        await Inbox.MarkProcessedAsync("msg_1", default);

        var restarted = CreateInbox();
        try
        {
            Assert.False(await restarted.TryAddAsync(Message("msg_1"), default));
            Assert.Equal(InboxStatus.Processed, (await restarted.GetAsync("msg_1", default))!.Status);
            Assert.Equal("msg_2", Assert.Single(await restarted.ClaimDueAsync(10, Lease, default)).Id);
        }
        finally
        {
            await DisposeInboxAsync(restarted);
        }
    }

    [Fact]
    public async Task GetNextDue_IsNullWhenNothingWaits()
    {
        Assert.Null(await Inbox.GetNextDueAsync(default));
        await AddAsync("msg_1");
        Assert.Equal(Time.GetUtcNow(), await Inbox.GetNextDueAsync(default));
    }

    protected Task<bool> AddAsync(string id, string body = "{}") => Inbox.TryAddAsync(Message(id, body), default);

    private static InboxMessage Message(string id, string body = "{}") =>
        new(id, Receiver.Handlers.WebhookEnvelope.ReadEventType(Encoding.UTF8.GetBytes(body)),
            DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Encoding.UTF8.GetBytes(body));

    private static async Task DisposeInboxAsync(IWebhookInbox inbox)
    {
        switch (inbox)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
