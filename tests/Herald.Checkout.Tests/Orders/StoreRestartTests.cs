using Herald.Checkout.Tests.Infrastructure;

namespace Herald.Checkout.Tests.Orders;

/// <summary>The store's orders live in <c>store.db</c>: a restarted sample still has them, and goes on with them.</summary>
public sealed class StoreRestartTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    public async Task DisposeAsync() => await _checkout.DisposeAsync();

    [Fact]
    public async Task A_restart_keeps_every_order_and_an_order_placed_before_it_is_paid_after_it()
    {
        var finished = await _checkout.PlaceOrderAsync("webhook");
        await _checkout.PayAsync(finished);
        var before = await _checkout.WaitForStatusAsync(finished.OrderId, "email sent");
        var open = await _checkout.PlaceOrderAsync("webhook");

        await _checkout.RestartAsync();

        var after = await _checkout.GetOrderAsync(finished.OrderId);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal(finished.PaymentId, (string)after["payment"]!["paymentId"]!);
        // The order page's e-mail link still leads to the mail the mailbox received before the restart.
        string mailPage = await _checkout.Store.GetStringAsync((string)after["emailUrl"]!);
        Assert.Contains($"Payment {finished.PaymentId} for order {finished.OrderId} succeeded.", mailPage, StringComparison.Ordinal);
        var stillOpen = await _checkout.GetOrderAsync(open.OrderId);
        Assert.Equal("pending", (string)stillOpen["status"]!);
        Assert.Equal(open.PaymentId, (string)stillOpen["paymentId"]!);

        // The shopper pays the older order now; the provider came back on another port, over the same payments.
        await _checkout.PayAsync(open with { PaymentUrl = new Uri(_checkout.System.ProviderUrl, open.PaymentUrl.AbsolutePath) });
        var paid = await _checkout.WaitForStatusAsync(open.OrderId, "email sent");
        Assert.Equal(open.PaymentId, (string)paid["payment"]!["paymentId"]!);
        Assert.Equal("webhook", (string)paid["payment"]!["learnedBy"]!);

        var compared = (await _checkout.GetComparisonAsync())["orders"]!.AsArray().Select(o => (string)o!["orderId"]!).ToList();
        Assert.Equal([finished.OrderId, open.OrderId], compared);
    }

    [Fact]
    public async Task An_order_whose_mail_could_not_be_sent_is_emailed_by_the_next_run()
    {
        // The mailbox is down: the order ships, and its confirmation cannot be sent.
        await _checkout.System.Mailbox.StopAsync();
        var placed = await _checkout.PlaceOrderAsync("webhook");
        await _checkout.PayAsync(placed);
        await _checkout.WaitForStatusAsync(placed.OrderId, "shipped");

        await _checkout.RestartAsync();

        var order = await _checkout.WaitForStatusAsync(placed.OrderId, "email sent");
        Assert.Equal(["pending", "paid", "shipped", "email sent"], order["history"]!.AsArray().Select(h => (string)h!["status"]!));
        Assert.Contains($"Payment {placed.PaymentId} for order {placed.OrderId} succeeded.", await _checkout.ReceivedMailAsync(placed.OrderId), StringComparison.Ordinal);
    }
}
