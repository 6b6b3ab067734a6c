using Herald.Delivery.Dispatching;
using Herald.Ids;
using Herald.Model;
using Herald.Storage.Sqlite;
using Herald.Testing;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>
/// Deliveries that reach an endpoint's lane after this node learnt that its breaker opened are checked against the
/// store one at a time: a whole lane's send chains at once would make the store's connection pool open as many
/// connections. A real dispatcher over a real SQLite store and a real receiver that answers 500.
/// </summary>
public sealed class BreakerCheckTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Deliveries_admitted_after_the_breaker_opened_are_checked_one_at_a_time_and_held_back()
    {
        using var dir = new TempDirectory();
        var time = TimeProvider.System;
        await using var real = new SqliteStore(dir.File("herald.db"), synchronousFull: false, time);
        await real.InitializeAsync(Ct);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        var (appId, endpointId) = await DispatcherFencingTests.CreateAppAsync(real, receiver, time);
        var now = time.GetUtcNow();
        for (int i = 0; i < 43; i++)
        {
            var message = new Message { Id = HeraldId.New(HeraldId.Message, now), AppId = appId, EventType = "invoice.paid", Payload = """{"n":1}""", CreatedAt = now };
            Assert.Equal(1, await real.CreateMessageAsync(message, null, null, Ct));
        }
        var options = new DeliveryOptions
        {
            AllowedSubnets = ["127.0.0.0/8"], PollInterval = TimeSpan.FromSeconds(1), Lease = TimeSpan.FromSeconds(60),
            Breaker = new BreakerOptions { FailureThreshold = 3, OpenInterval = TimeSpan.FromMinutes(10), MaxOpenInterval = TimeSpan.FromMinutes(10) },
        };
        // Forty of them are claimed by another path (as the API does for new messages) before the breaker opens.
        var early = await real.ClaimDueAsync(now, options.Lease, 40, [], Ct);
        Assert.Equal(40, early.Count);
        Assert.All(early, d => Assert.False(d.BreakerOpen));

        var store = FlakyStore.Over(real);
        store.BreakerCheckDelay = TimeSpan.FromMilliseconds(20);
        var (dispatcher, sender) = DispatcherFencingTests.NewDispatcher(store.AsStore(), time, options);
        using var disposeSender = sender;
        using var disposeDispatcher = dispatcher;
        await dispatcher.StartAsync(Ct);
        // The dispatcher sends the other three, records three failures and so learns that the breaker is open.
        await Eventually.WaitAsync(async () => (await real.GetEndpointAsync(appId, endpointId, Ct))!.Breaker.Open, open => open, what: "the breaker to open");
        await Eventually.WaitAsync(() => dispatcher.Held == 0, what: "the three failed deliveries to be recorded");
        Assert.Equal(3, receiver.Count);

        dispatcher.Accept(early);
        await Eventually.WaitAsync(() => store.BreakerChecks >= 40 && dispatcher.Held == 0, what: "the forty deliveries to be checked");
        await dispatcher.StopAsync(Ct);

        Assert.Equal(3, receiver.Count); // none of the forty was sent: the breaker holds them back until its probe
        Assert.Equal(1, store.MostConcurrentBreakerChecks);
        Assert.Empty(await real.ClaimDueAsync(time.GetUtcNow(), options.Lease, 100, [], Ct)); // they wait for the probe
    }
}
