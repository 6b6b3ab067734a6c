using Herald.Checkout.Tests.Infrastructure;

namespace Herald.Checkout.Tests.Webhooks;

public sealed class DeclinedPaymentTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    [Fact]
    public async Task A_declined_card_arrives_as_payment_failed_and_nothing_is_shipped()
    {
        var order = await _checkout.PlaceOrderAsync();

        await _checkout.PayAsync(order, cardNumber: "4000 0000 0000 0002");

        var failed = await _checkout.WaitForStatusAsync(order.OrderId, "payment failed");
        Assert.Equal("Your card was declined.", (string)failed["failureReason"]!);
        Assert.Equal(1, (int)failed["webhookHandlerRuns"]!);
        // Nothing may follow a failed payment. Fulfilment takes orders one at a time in the order they were paid:
        // once an order paid later is fully fulfilled, anything the failed one had (wrongly) queued has run.
        var later = await _checkout.PlaceOrderAsync();
        await _checkout.PayAsync(later);
        await _checkout.WaitForStatusAsync(later.OrderId, "email sent");
        var after = await _checkout.GetOrderAsync(order.OrderId);
        Assert.Equal("payment failed", (string)after["status"]!);
        Assert.Null(after["shipment"]);
        Assert.Null(after["emailUrl"]);
    }

    public async Task DisposeAsync() => await _checkout.DisposeAsync();
}
