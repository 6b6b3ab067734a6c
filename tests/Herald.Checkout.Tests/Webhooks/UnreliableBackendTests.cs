using System.Text.Json.Nodes;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Checkout.Tests.Webhooks;

public sealed class UnreliableBackendTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    [Fact]
    public async Task A_payment_that_finishes_while_the_backend_is_down_is_retried_and_paid_exactly_once()
    {
        using (var down = await _checkout.Store.PostAsync("admin/down", null))
        {
            Assert.True(down.IsSuccessStatusCode);
        }
        var order = await _checkout.PlaceOrderAsync();
        await _checkout.PayAsync(order);

        // Herald's first attempts meet the 503; the order stays pending while the backend is down.
        await Eventually.WaitAsync(() => _checkout.Gate.RefusedAttempts >= 2, TimeSpan.FromSeconds(20), "two refused deliveries");
        Assert.Equal("pending", (string)(await _checkout.GetOrderAsync(order.OrderId))["status"]!);

        using (var up = await _checkout.Store.PostAsync("admin/up", null))
        {
            Assert.True(up.IsSuccessStatusCode);
        }
        var done = await _checkout.WaitForStatusAsync(order.OrderId, "email sent");

        Assert.Equal(1, (int)done["webhookHandlerRuns"]!);
        Assert.Equal(["pending", "paid", "shipped", "email sent"], done["history"]!.AsArray().Select(h => (string)h!["status"]!));
        var attempts = await AttemptsAsync(order);
        Assert.True(attempts.Count >= 3, $"Expected at least two refused attempts and one success, got {attempts.Count}.");
        Assert.All(attempts.Take(attempts.Count - 1), a => Assert.Equal(503, (int)a["responseStatusCode"]!));
        Assert.Equal(200, (int)attempts[^1]["responseStatusCode"]!);
    }

    /// <summary>Herald's own record of the deliveries of this payment's message, oldest first.</summary>
    private async Task<List<JsonNode>> AttemptsAsync(PlacedOrder order)
    {
        var orderMessage = _checkout.Orders.Measurements().Single(m => m.OrderId == order.OrderId).WebhookMessageId!;
        var page = await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/attempt/msg/{orderMessage}?limit=50"), 200);
        return page["data"]!.AsArray().Select(a => a!).OrderBy(a => (DateTimeOffset)a["timestamp"]!).ToList();
    }

    public async Task DisposeAsync() => await _checkout.DisposeAsync();
}
