using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Delivery.Ssrf;
using Herald.Ids;
using Herald.Model;
using Herald.Signing;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>
/// A real dispatcher over a real SQLite store, sending to real receivers on 127.0.0.1, in real time. The upper
/// bound follows from the token bucket itself, so a slow machine can only make deliveries later, never fail it.
/// </summary>
public sealed class DispatcherThrottleTests
{
    private const int Rate = 20;
    private const int Messages = 60;
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_throttled_endpoint_receives_at_most_its_rate_while_an_unthrottled_one_is_not_slowed_down()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteStore(dir.File("herald.db"), synchronousFull: false);
        await store.InitializeAsync(Ct);
        await using var throttled = await TestReceiver.StartAsync();
        await using var unthrottled = await TestReceiver.StartAsync();
        var shop = await CreateAppAsync(store);
        await store.CreateEndpointAsync(Endpoint(shop, throttled.Url(), Rate), Ct);
        await store.CreateEndpointAsync(Endpoint(shop, unthrottled.Url(), null), Ct);
        var warmUp = await CreateAppAsync(store);
        await store.CreateEndpointAsync(Endpoint(warmUp, unthrottled.Url("/warm-up"), null), Ct);
        await SendAsync(store, warmUp, 0);

        // The whole run is claimed at once, when the signal wakes the dispatcher.
        var signal = new DispatchSignal();
        var (dispatcher, sender) = NewDispatcher(store, signal, TimeProvider.System);
        using var disposeSender = sender;
        using var disposeDispatcher = dispatcher;
        await dispatcher.StartAsync(Ct);
        await unthrottled.WaitForAsync(1); // the first request's start-up costs are paid before the clock starts
        for (int i = 0; i < Messages; i++)
        {
            Assert.Equal(2, await SendAsync(store, shop, i));
        }
        var started = DateTimeOffset.UtcNow;
        signal.Notify();
        await throttled.WaitForAsync(Messages, TimeSpan.FromSeconds(30));
        await unthrottled.WaitForAsync(Messages + 1, TimeSpan.FromSeconds(30));
        await dispatcher.StopAsync(Ct);

        // A bucket of 20 a second that starts full lets through at most 20 + 20·t in the first t seconds.
        var arrivals = throttled.Received.Select(r => (r.At - started).TotalSeconds).Order().ToList();
        for (int i = 0; i < arrivals.Count; i++)
        {
            Assert.True(i + 1 <= Rate + (Rate * arrivals[i]) + 1, $"{i + 1} requests had arrived {arrivals[i]:0.000} s after the start");
        }
        Assert.True(arrivals[^1] >= 1.9, $"all {Messages} arrived within {arrivals[^1]:0.000} s");
        var unthrottledDone = unthrottled.Received.Where(r => r.Path == "/hook").Max(r => r.At - started).TotalSeconds;
        Assert.True(unthrottledDone < 1.0, $"the unthrottled endpoint took {unthrottledDone:0.000} s, the throttled one {arrivals[^1]:0.000} s");
    }

    [Fact]
    public async Task Shutting_down_cuts_a_throttled_wait_short_and_hands_the_delivery_back()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteStore(dir.File("herald.db"), synchronousFull: false);
        await store.InitializeAsync(Ct);
        await using var receiver = await TestReceiver.StartAsync();
        // The clock never moves, so only the shutdown can end the wait for the endpoint's next turn.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var shop = await CreateAppAsync(store);
        var endpoint = Endpoint(shop, receiver.Url(), 1);
        await store.CreateEndpointAsync(endpoint, Ct);
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(store, shop, i, time.GetUtcNow());
        }
        var (dispatcher, sender) = NewDispatcher(store, new DispatchSignal(), time);
        using var disposeSender = sender;
        using var disposeDispatcher = dispatcher;
        await dispatcher.StartAsync(Ct);
        await Eventually.WaitAsync(() => store.GetEndpointStatsAsync(shop, endpoint.Id, null, null, Ct), s => s.Success == 1, what: "the first delivery");

        await dispatcher.StopAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, receiver.Count);
        Assert.Equal(new EndpointStats(1, 2, 0, 0), await store.GetEndpointStatsAsync(shop, endpoint.Id, null, null, Ct));
    }

    private static (Dispatcher Dispatcher, HttpDeliverySender Sender) NewDispatcher(SqliteStore store, DispatchSignal signal, TimeProvider time)
    {
        // Nothing but the signal wakes the dispatcher between claims.
        var options = new DeliveryOptions { AllowedSubnets = ["127.0.0.0/8"], PollInterval = TimeSpan.FromMinutes(5) };
        var sender = new HttpDeliverySender(options,
            new GuardedConnector(new OutboundAddressPolicy(options.AllowedSubnets), new SystemHostResolver(), new SocketAddressConnector()), time);
        return (new Dispatcher(store, sender, signal, options, time, NullLogger<Dispatcher>.Instance, []), sender);
    }

    private static async Task<string> CreateAppAsync(SqliteStore store)
    {
        var now = DateTimeOffset.UtcNow;
        var app = new Application { Id = HeraldId.New(HeraldId.App, now), Name = "Corner Shop", CreatedAt = now, UpdatedAt = now };
        await store.CreateApplicationAsync(app, Ct);
        return app.Id;
    }

    private static Endpoint Endpoint(string appId, string url, int? throttleRate)
    {
        var now = DateTimeOffset.UtcNow;
        return new()
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = appId, Url = url, ThrottleRate = throttleRate,
            Secret = WebhookSecret.Generate(), CreatedAt = now, UpdatedAt = now,
        };
    }

    private static Task<int> SendAsync(SqliteStore store, string appId, int n, DateTimeOffset? at = null)
    {
        var now = at ?? DateTimeOffset.UtcNow;
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, now), AppId = appId, EventType = "invoice.paid", Payload = $$"""{"n":{{n}}}""", CreatedAt = now,
        };
        return store.CreateMessageAsync(message, null, null, Ct);
    }
}
