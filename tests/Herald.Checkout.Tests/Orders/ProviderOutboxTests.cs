using Checkout.Provider.Payments;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Outbox;

namespace Herald.Checkout.Tests.Orders;

/// <summary>The provider's payment and its webhook commit together; whoever relays the outbox sends the webhook.</summary>
public sealed class ProviderOutboxTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    public async Task DisposeAsync() => await _checkout.DisposeAsync();

    [Fact]
    public async Task A_payment_committed_by_a_provider_process_that_never_published_still_reaches_the_store()
    {
        var placed = await _checkout.PlaceOrderAsync("webhook");

        // Another provider process over the same database: it commits the payment (and its outbox row) and is gone
        // before publishing anything. Its ledger has no way to publish at all.
        var departed = new PaymentLedger(new ProviderDatabase(_checkout.DataDirectory), new HeraldOutbox(), TimeProvider.System);
        Assert.NotNull(await departed.TryCompleteAsync(placed.PaymentId, null, CancellationToken.None));
        // A second completion (a double submit) changes nothing and enqueues nothing.
        Assert.Null(await departed.TryCompleteAsync(placed.PaymentId, null, CancellationToken.None));

        var order = await _checkout.WaitForStatusAsync(placed.OrderId, "email sent");

        Assert.Equal(placed.PaymentId, (string)order["payment"]!["paymentId"]!);
        Assert.Equal("webhook", (string)order["payment"]!["learnedBy"]!);
        var messages = await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/msg"), 200);
        Assert.Single(messages["data"]!.AsArray(), m => (string)m!["eventId"]! == placed.PaymentId);
    }
}
