using System.Net;
using System.Text.Json.Nodes;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Receiver;
using Herald.Receiver.Testing;
using Herald.Testing;

namespace Herald.Checkout.Tests.Webhooks;

public sealed class DuplicateAndForgedWebhookTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    [Fact]
    public async Task A_webhook_resent_through_Herald_is_acknowledged_and_not_processed_again()
    {
        var order = await _checkout.PlaceOrderAsync();
        await _checkout.PayAsync(order);
        await _checkout.WaitForStatusAsync(order.OrderId, "email sent");
        string messageId = _checkout.Orders.Measurements().Single(m => m.OrderId == order.OrderId).WebhookMessageId!;
        string endpointId = await EndpointIdAsync();

        using (var resend = await _checkout.Herald.PostAsync($"app/{TestCheckout.AppUid}/msg/{messageId}/endpoint/{endpointId}/resend", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        }

        await Eventually.WaitAsync(() => _checkout.Gate.AttemptsFor(messageId) == 2, TimeSpan.FromSeconds(20), "the resent delivery");
        await Eventually.WaitAsync(async () => (await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/attempt/msg/{messageId}"), 200))["data"]!.AsArray(),
            a => a.Count == 2 && a.All(x => (int)x!["responseStatusCode"]! == 200), TimeSpan.FromSeconds(10), "two successful attempts");
        // The resend was acknowledged; once the inbox has nothing left to run, a (wrong) second processing has shown.
        await _checkout.SettledInboxAsync();
        var entry = await _checkout.Inbox.GetAsync(messageId, CancellationToken.None);
        Assert.Equal(InboxStatus.Processed, entry!.Status);
        Assert.Equal(1, entry.Attempts);
        var after = await _checkout.GetOrderAsync(order.OrderId);
        Assert.Equal(1, (int)after["webhookHandlerRuns"]!);
        Assert.Single(after["history"]!.AsArray(), h => (string)h!["status"]! == "paid");
    }

    [Fact]
    public async Task The_same_signed_request_replayed_is_processed_once()
    {
        var order = await _checkout.PlaceOrderAsync();
        var webhook = SignedWebhook.ForEvent(await SecretAsync(), "payment.succeeded", Data(order));

        for (int i = 0; i < 3; i++)
        {
            using var response = await _checkout.Store.SendAsync(webhook.ToHttpRequest(new Uri(_checkout.Store.BaseAddress!, "webhooks")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var done = await _checkout.WaitForStatusAsync(order.OrderId, "email sent");
        await _checkout.SettledInboxAsync();
        Assert.Equal(1, (await _checkout.Inbox.GetAsync(webhook.MessageId, CancellationToken.None))!.Attempts);
        Assert.Equal(1, (int)(await _checkout.GetOrderAsync(order.OrderId))["webhookHandlerRuns"]!);
        Assert.Single(done["history"]!.AsArray(), h => (string)h!["status"]! == "paid");
    }

    [Fact]
    public async Task A_forged_signature_is_refused_and_changes_nothing()
    {
        var order = await _checkout.PlaceOrderAsync();
        var forged = SignedWebhook.ForEvent("whsec_" + Convert.ToBase64String(new byte[32]), "payment.succeeded", Data(order));

        using var response = await _checkout.Store.SendAsync(forged.ToHttpRequest(new Uri(_checkout.Store.BaseAddress!, "webhooks")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertUntouchedAsync(order, forged);
    }

    [Fact]
    public async Task A_stale_timestamp_is_refused_and_changes_nothing()
    {
        var order = await _checkout.PlaceOrderAsync();
        var stale = SignedWebhook.ForEvent(await SecretAsync(), "payment.succeeded", Data(order), timestamp: DateTimeOffset.UtcNow.AddMinutes(-10));

        using var response = await _checkout.Store.SendAsync(stale.ToHttpRequest(new Uri(_checkout.Store.BaseAddress!, "webhooks")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertUntouchedAsync(order, stale);
    }

    private async Task AssertUntouchedAsync(PlacedOrder order, SignedWebhook refused)
    {
        // Refused before the inbox: nothing was stored, so no handler can run for it later.
        Assert.Null(await _checkout.Inbox.GetAsync(refused.MessageId, CancellationToken.None));
        await _checkout.SettledInboxAsync();
        var after = await _checkout.GetOrderAsync(order.OrderId);
        Assert.Equal("pending", (string)after["status"]!);
        Assert.Equal(0, (int)after["webhookHandlerRuns"]!);
        Assert.Single(after["history"]!.AsArray());
    }

    private static object Data(PlacedOrder order) => new
    {
        orderId = order.OrderId, paymentId = order.PaymentId, amount = 2700, currency = "USD", completedAt = DateTimeOffset.UtcNow,
    };

    private async Task<string> EndpointIdAsync() =>
        (string)(await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/endpoint/store-backend"), 200))["id"]!;

    private async Task<string> SecretAsync() =>
        (string)(await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/endpoint/store-backend/secret"), 200))["key"]!;

    public async Task DisposeAsync() => await _checkout.DisposeAsync();
}
