using System.Net;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Receiver.Tests.Handlers;

/// <summary>Handler retries, giving up and requeueing, with time moved by a fake clock.</summary>
public sealed class HandlerRetryTests : IAsyncLifetime
{
    private readonly string _secret = WebhookSecret.Generate();
    private readonly TempDirectory _dir = new();
    private readonly HandlerProbe _probe = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private ReceiverApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), _secret), _time,
            PaymentHandlerRegistration.With(_probe));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task HandlerThatFailsTwice_IsRetriedAfterBackoff_AndEndsProcessed()
    {
        _probe.FailNextTimes = 2;

        using var response = await _app.PostAsync(Payment("msg_flaky"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var afterFirst = await WaitForAsync("msg_flaky", e => e.Status == InboxStatus.Pending && e.Attempts == 1, advance: false);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(1), afterFirst.NextAttemptAt);
        Assert.Contains("Simulated failure of attempt 1", afterFirst.LastError, StringComparison.Ordinal);
        Assert.Equal(1, _probe.CallsFor("msg_flaky"));

        var done = await WaitForAsync("msg_flaky", e => e.Status == InboxStatus.Processed, advance: true);

        Assert.Equal(3, done.Attempts);
        Assert.Equal([1, 2, 3], _probe.Calls.Select(c => c.Attempt));
        Assert.NotNull(done.ProcessedAt);
    }

    [Fact]
    public async Task HandlerThatAlwaysFails_EndsFailedWithErrorVisible_AndRequeueRunsItAgain()
    {
        _probe.AlwaysFail = true;

        using var response = await _app.PostAsync(Payment("msg_poison"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failed = await WaitForAsync("msg_poison", e => e.Status == InboxStatus.Failed, advance: true);
        Assert.Equal(3, failed.Attempts);
        Assert.Contains("Simulated failure of attempt 3", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(3, _probe.CallsFor("msg_poison"));
        Assert.Equal("msg_poison", Assert.Single(await _app.Inbox.ListAsync(InboxStatus.Failed, 10, CancellationToken.None)).Id);

        _probe.AlwaysFail = false;
        Assert.True(await _app.Inbox.RequeueAsync("msg_poison", CancellationToken.None));

        var rerun = await WaitForAsync("msg_poison", e => e.Status == InboxStatus.Processed, advance: false);
        Assert.Equal(1, rerun.Attempts);
        Assert.Equal(4, _probe.CallsFor("msg_poison"));
        Assert.Equal(1, _probe.Calls.Last().Attempt);
    }

    [Fact]
    public async Task PayloadThatDoesNotFitTheType_FailsAtOnceWithoutRetries()
    {
        var webhook = SignedWebhook.Create(_secret,
            "{\"type\":\"payment.succeeded\",\"data\":{\"paymentId\":5,\"amount\":\"lots\"}}", "msg_badpayload", _time.GetUtcNow());

        using var response = await _app.PostAsync(webhook);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failed = await WaitForAsync("msg_badpayload", e => e.Status == InboxStatus.Failed, advance: false);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains(nameof(PaymentSucceeded), failed.LastError, StringComparison.Ordinal);
        Assert.Empty(_probe.Calls);
    }

    [Fact]
    public void Backoff_DoublesFromTheInitialDelay_UpToTheMaximum()
    {
        var options = new HandlerOptions { InitialRetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromSeconds(30) };

        var delays = Enumerable.Range(1, 6).Select(attempt => Receiver.Handlers.RetryBackoff.DelayAfter(attempt, options).TotalSeconds);

        Assert.Equal([5, 10, 20, 30, 30, 30], delays);
        Assert.Equal(TimeSpan.FromSeconds(30), Receiver.Handlers.RetryBackoff.DelayAfter(int.MaxValue, options));
    }

    private SignedWebhook Payment(string id) => SignedWebhook.ForEvent(_secret, PaymentHandlerRegistration.EventType,
        new PaymentSucceeded("pay_1", 27m, "USD"), id, _time.GetUtcNow());

    private async Task<InboxEntry> WaitForAsync(string id, Func<InboxEntry, bool> condition, bool advance)
    {
        InboxEntry? entry = null;
        await Eventually.UntilAsync(async () =>
        {
            entry = await _app.Inbox.GetAsync(id, CancellationToken.None);
            return entry is not null && condition(entry);
        }, $"{id} reaches the expected state", advance ? () => _time.Advance(TimeSpan.FromSeconds(1)) : null);
        return entry!;
    }
}
