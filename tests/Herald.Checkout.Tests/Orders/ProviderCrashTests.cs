using System.Net;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Data.Sqlite;

namespace Herald.Checkout.Tests.Orders;

/// <summary>
/// The provider's payment and its webhook commit together in <c>provider.db</c>: a provider killed before it published
/// anything still tells the store once it runs again.
/// </summary>
public sealed class ProviderCrashTests : IAsyncLifetime
{
    private readonly List<CheckoutProcess> _providers = [];
    private readonly TempDirectory _directory = new();
    private TestCheckout? _checkout;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_payment_committed_by_a_provider_killed_before_publishing_reaches_the_store_after_the_provider_restarts()
    {
        var directory = _directory;
        // The provider process must know Herald's address before the sample starts Herald.
        var heraldUrl = new Uri($"http://127.0.0.1:{CheckoutProcess.FreePort()}/");
        // Its relay does not run: whatever it commits stays in its outbox, exactly as if it died before the relay's next poll.
        var provider = StartProvider(directory, heraldUrl, port: 0, relayEnabled: false);
        var providerUrl = await provider.WaitUntilListeningAsync();
        _checkout = await TestCheckout.StartAsync(directory: directory, heraldPort: heraldUrl.Port, providerUrl: providerUrl);

        var placed = await _checkout.PlaceOrderAsync("webhook");
        // The provider answers the payment step only after the payment and its outbox row have committed.
        await _checkout.PayAsync(placed);
        Assert.Equal(1, await OutboxRowsAsync(directory));
        await provider.KillAsync();

        Assert.Equal(137, provider.ExitCode); // 128 + SIGKILL
        Assert.Equal(1, await OutboxRowsAsync(directory));
        using (var unknown = await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/msg/{placed.PaymentId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        Assert.Equal("pending", (string)(await _checkout.GetOrderAsync(placed.OrderId))["status"]!);

        // The same provider, restarted over the same database and at the same address, with its relay.
        var restarted = StartProvider(directory, heraldUrl, providerUrl.Port, relayEnabled: true);
        Assert.Equal(providerUrl, await restarted.WaitUntilListeningAsync());
        var order = await _checkout.WaitForStatusAsync(placed.OrderId, "email sent", TimeSpan.FromSeconds(60));

        Assert.Equal(placed.PaymentId, (string)order["payment"]!["paymentId"]!);
        Assert.Equal("succeeded", (string)order["payment"]!["result"]!);
        Assert.Equal("webhook", (string)order["payment"]!["learnedBy"]!);
        Assert.Equal(1, (int)order["webhookHandlerRuns"]!);
        await Eventually.WaitAsync(async () => await OutboxRowsAsync(directory), n => n == 0, TimeSpan.FromSeconds(20), "the relay to clear its outbox");
        Assert.Contains($"Payment {placed.PaymentId} for order {placed.OrderId} succeeded.", await _checkout.ReceivedMailAsync(placed.OrderId), StringComparison.Ordinal);

        // A second submit of the payment step (the shopper's back button) changes nothing and enqueues nothing.
        await _checkout.PayAsync(placed);
        Assert.Equal(0, await OutboxRowsAsync(directory));
        var messages = await TestCheckout.ReadAsync(await _checkout.Herald.GetAsync($"app/{TestCheckout.AppUid}/msg"), 200);
        Assert.Single(messages["data"]!.AsArray(), m => (string)m!["eventId"]! == placed.PaymentId);
    }

    private CheckoutProcess StartProvider(TempDirectory directory, Uri heraldUrl, int port, bool relayEnabled)
    {
        var provider = CheckoutProcess.StartProvider(directory.Path, heraldUrl, "checkout-demo-token", port, relayEnabled);
        _providers.Add(provider);
        return provider;
    }

    private static async Task<long> OutboxRowsAsync(TempDirectory directory)
    {
        await using var connection = new SqliteConnection($"Data Source={directory.File("provider.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM herald_outbox";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        if (_checkout is not null)
        {
            await _checkout.DisposeAsync(); // and the folder with it
        }
        else
        {
            _directory.Dispose();
        }
    }
}
