using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Checkout.Tests.Orders;

/// <summary>The order, its e-mail and the comparison tell which payment succeeded and which message told the store.</summary>
public sealed class PaymentStoryTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    public async Task DisposeAsync() => await _checkout.DisposeAsync();

    [Fact]
    public async Task A_webhook_order_names_the_providers_payment_id_and_heralds_message_everywhere()
    {
        var placed = await _checkout.PlaceOrderAsync("webhook");
        await _checkout.PayAsync(placed);
        var order = await _checkout.WaitForStatusAsync(placed.OrderId, "email sent");

        var message = await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/msg/{placed.PaymentId}"), 200);
        string messageId = (string)message["id"]!;
        Assert.Equal(placed.PaymentId, (string)order["payment"]!["paymentId"]!);
        Assert.Equal("succeeded", (string)order["payment"]!["result"]!);
        Assert.Equal("webhook", (string)order["payment"]!["learnedBy"]!);
        Assert.Equal(messageId, (string)order["webhook"]!["messageId"]!);

        string eml = await _checkout.ReceivedMailAsync(placed.OrderId);
        Assert.Contains($"Payment {placed.PaymentId} for order {placed.OrderId} succeeded.", eml, StringComparison.Ordinal);
        Assert.Contains($"The store learned it from Herald webhook {messageId}, received ", eml, StringComparison.Ordinal);

        var row = (await _checkout.GetComparisonAsync())["orders"]!.AsArray().Single(o => (string)o!["orderId"]! == placed.OrderId)!;
        Assert.Equal(placed.PaymentId, (string)row["paymentId"]!);
        Assert.Equal(messageId, (string)row["webhookMessageId"]!);
    }

    [Fact]
    public async Task A_polling_order_says_polling_told_the_store_and_still_names_heralds_message()
    {
        var placed = await _checkout.PlaceOrderAsync("polling");
        await _checkout.PayAsync(placed);
        await _checkout.WaitForStatusAsync(placed.OrderId, "email sent");
        var order = await Eventually.WaitAsync(() => _checkout.GetOrderAsync(placed.OrderId), o => o["webhook"] is not null,
            TimeSpan.FromSeconds(20), "Herald's webhook for the polling order");

        Assert.Equal("polling", (string)order["payment"]!["learnedBy"]!);
        Assert.Equal(placed.PaymentId, (string)order["payment"]!["paymentId"]!);
        string eml = await _checkout.ReceivedMailAsync(placed.OrderId);
        Assert.Contains($"Payment {placed.PaymentId} for order {placed.OrderId} succeeded.", eml, StringComparison.Ordinal);
        Assert.Contains("The store learned it by polling the provider at ", eml, StringComparison.Ordinal);
    }
}
