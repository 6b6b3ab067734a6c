using System.Net;
using Herald.Receiver.Sqlite;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;

namespace Herald.Receiver.Tests.Inbox;

/// <summary>A new app on the same SQLite file: processed work stays done, pending work gets done.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _secret = WebhookSecret.Generate();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NewInstance_DoesNotReprocessProcessed_AndProcessesLeftoverPending()
    {
        string connectionString = _dir.SqliteConnectionString();
        var settings = ReceiverApp.Settings(connectionString, _secret);
        var firstProbe = new HandlerProbe();
        await using (var first = await ReceiverApp.StartAsync(settings, configureReceiver: PaymentHandlerRegistration.With(firstProbe)))
        {
            using var response = await first.PostAsync(Payment("msg_done"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Eventually.UntilAsync(async () => (await first.Inbox.GetAsync("msg_done", CancellationToken.None))?.Status == InboxStatus.Processed,
                "msg_done is processed by the first instance");
        }
        Assert.Equal(1, firstProbe.CallsFor("msg_done"));

        // A message accepted but not yet handled when the first instance went away.
        using (var store = new SqliteWebhookInbox(connectionString, "herald_inbox", TimeProvider.System))
        {
            var leftover = Payment("msg_left");
            Assert.True(await store.TryAddAsync(
                new InboxMessage(leftover.MessageId, PaymentHandlerRegistration.EventType, leftover.Timestamp, leftover.Body),
                CancellationToken.None));
        }

        var secondProbe = new HandlerProbe();
        await using var second = await ReceiverApp.StartAsync(settings, configureReceiver: PaymentHandlerRegistration.With(secondProbe));
        await Eventually.UntilAsync(async () => (await second.Inbox.GetAsync("msg_left", CancellationToken.None))?.Status == InboxStatus.Processed,
            "the leftover pending message is processed by the new instance");
        using var redelivered = await second.PostAsync(Payment("msg_done"));

        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(1, secondProbe.CallsFor("msg_left"));
        Assert.Equal(0, secondProbe.CallsFor("msg_done"));
        Assert.Equal(InboxStatus.Processed, (await second.Inbox.GetAsync("msg_done", CancellationToken.None))!.Status);
        Assert.Empty(await second.Inbox.ListAsync(InboxStatus.Pending, 10, CancellationToken.None));
    }

    [Fact]
    public async Task HandlerInterruptedByShutdown_IsPendingAgain_AndRunsOnTheNextInstance()
    {
        string connectionString = _dir.SqliteConnectionString();
        var settings = ReceiverApp.Settings(connectionString, _secret);
        var firstProbe = new HandlerProbe { WaitForCancellation = true };
        await using (var first = await ReceiverApp.StartAsync(settings, configureReceiver: PaymentHandlerRegistration.With(firstProbe)))
        {
            using var response = await first.PostAsync(Payment("msg_long"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Eventually.UntilAsync(() => firstProbe.CallsFor("msg_long") == 1, "the handler has started");
        }

        using (var store = new SqliteWebhookInbox(connectionString, "herald_inbox", TimeProvider.System))
        {
            var interrupted = (await store.GetAsync("msg_long", CancellationToken.None))!;
            Assert.Equal(InboxStatus.Pending, interrupted.Status);
            Assert.Equal("Interrupted by shutdown.", interrupted.LastError);
        }

        var secondProbe = new HandlerProbe();
        await using var second = await ReceiverApp.StartAsync(settings, configureReceiver: PaymentHandlerRegistration.With(secondProbe));
        await Eventually.UntilAsync(async () => (await second.Inbox.GetAsync("msg_long", CancellationToken.None))?.Status == InboxStatus.Processed,
            "the interrupted message is processed by the new instance");
        Assert.Equal(1, secondProbe.CallsFor("msg_long"));
    }

    private SignedWebhook Payment(string id) =>
        SignedWebhook.ForEvent(_secret, PaymentHandlerRegistration.EventType, new PaymentSucceeded("pay_1", 27m, "USD"), id);
}
