using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Delivery.Ssrf;
using Herald.Ids;
using Herald.Model;
using Herald.Signing;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Extensions.Logging.Abstractions;

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
        var now = time.GetUtcNow();
        var app = new Application { Id = HeraldId.New(HeraldId.App, now), Name = "Corner Shop", CreatedAt = now, UpdatedAt = now };
        await real.CreateApplicationAsync(app, Ct);
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = app.Id, Url = receiver.Url(), Secret = WebhookSecret.Generate(), CreatedAt = now, UpdatedAt = now,
        };
        await real.CreateEndpointAsync(endpoint, Ct);
        for (int i = 0; i < 43; i++)
        {
            var message = new Message { Id = HeraldId.New(HeraldId.Message, now), AppId = app.Id, EventType = "invoice.paid", Payload = """{"n":1}""", CreatedAt = now };
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
        using var sender = new HttpDeliverySender(options,
            new GuardedConnector(new OutboundAddressPolicy(options.AllowedSubnets), new SystemHostResolver(), new SocketAddressConnector()), time);
        using var dispatcher = new Dispatcher(store.AsStore(), sender, new DispatchSignal(), options, time, NullLogger<Dispatcher>.Instance, []);
        await dispatcher.StartAsync(Ct);
        // The dispatcher sends the other three, records three failures and so learns that the breaker is open.
        await Eventually.WaitAsync(async () => (await real.GetEndpointAsync(app.Id, endpoint.Id, Ct))!.Breaker.Open, open => open, what: "the breaker to open");
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
