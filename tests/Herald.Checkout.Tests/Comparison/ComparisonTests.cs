using System.Text.Json.Nodes;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Checkout.Tests.Comparison;

/// <summary>Runs each way of learning about a payment and checks that the report measured it plausibly.</summary>
public sealed class ComparisonTests : IAsyncLifetime
{
    private static readonly TimeSpan PollingInterval = TimeSpan.FromMilliseconds(700);
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync(pollingInterval: PollingInterval);

    [Fact]
    public async Task Each_approach_is_measured_from_real_runs()
    {
        var webhook = await _checkout.PlaceOrderAsync("webhook");
        var polling = await _checkout.PlaceOrderAsync("polling");
        var reported = await _checkout.PlaceOrderAsync("app-report", "wallet");
        var tabClosed = await _checkout.PlaceOrderAsync("app-report");

        // Let the poller ask at least once while the payment is still open, as it would in life.
        await Eventually.WaitAsync(() => RequestsOf(polling) >= 1, TimeSpan.FromSeconds(10), "a first poll");
        foreach (var order in new[] { webhook, polling, reported, tabClosed })
        {
            await _checkout.PayAsync(order);
        }
        await _checkout.ReportPaymentAsync(reported);

        await _checkout.WaitForStatusAsync(webhook.OrderId, "email sent");
        await _checkout.WaitForStatusAsync(polling.OrderId, "email sent");
        await _checkout.WaitForStatusAsync(reported.OrderId, "email sent");
        var report = await Eventually.WaitAsync(_checkout.GetComparisonAsync,
            r => Row(r, tabClosed)["webhookAfterMs"] is not null, TimeSpan.FromSeconds(20), "Herald's webhook for the closed tab's payment");

        var herald = Approach(report, "webhook");
        Assert.Equal(1, (int)herald["learned"]!);
        Assert.True((int)herald["requests"]! >= 1);
        Assert.InRange((double)herald["medianMs"]!, 0, 10_000);

        var poll = Approach(report, "polling");
        Assert.Equal(1, (int)poll["learned"]!);
        Assert.True((int)poll["requests"]! >= 2, "one poll before the payment finished and one that saw it finished");
        // The poller learns at its next tick: never later than one interval plus the request itself.
        Assert.InRange((double)poll["medianMs"]!, 0, PollingInterval.TotalMilliseconds + 2_000);

        var app = Approach(report, "app-report");
        Assert.Equal(2, (int)app["paymentsFinished"]!);
        Assert.Equal(1, (int)app["learned"]!);
        Assert.Equal(1, (int)app["notLearned"]!);
        Assert.Equal(2, (int)app["requests"]!); // the page's report and the backend's check with the provider

        // The closed tab never reported: the order stays pending although the payment went through.
        // Herald's webhook for it was handled (measured, not applied): with the inbox settled, nothing is left to pay it.
        await _checkout.SettledInboxAsync();
        await _checkout.PollerPassedAsync(); // nor does the poller ask about it
        Assert.Equal("pending", (string)(await _checkout.GetOrderAsync(tabClosed.OrderId))["status"]!);
        var closed = Row(await _checkout.GetComparisonAsync(), tabClosed);
        Assert.Null(closed["learnedAfterMs"]);
        Assert.Equal(0, (int)closed["requests"]!);
    }

    private int RequestsOf(PlacedOrder order) =>
        _checkout.Orders.Measurements().Single(m => m.OrderId == order.OrderId).ChannelRequests;

    private static JsonNode Approach(JsonNode report, string name) =>
        report["approaches"]!.AsArray().Single(a => (string)a!["approach"]! == name)!;

    private static JsonNode Row(JsonNode report, PlacedOrder order) =>
        report["orders"]!.AsArray().Single(o => (string)o!["orderId"]! == order.OrderId)!;

    public async Task DisposeAsync() => await _checkout.DisposeAsync();
}
