using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Delivery.Ssrf;
using Herald.Ids;
using Herald.Model;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Delivery.Tests.Stores;

/// <summary>Applications, endpoints and messages in a real store, and a real dispatcher sending them over HTTP.</summary>
public sealed class DispatchRig(IHeraldStore store, TimeProvider time) : IAsyncDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly List<(Dispatcher Dispatcher, HttpDeliverySender Sender)> _dispatchers = [];

    public IHeraldStore Store { get; } = store;

    public DispatchSignal Signal { get; } = new();

    public async Task<string> CreateAppAsync(string name = "Corner Shop")
    {
        var now = time.GetUtcNow();
        var app = new Application { Id = HeraldId.New(HeraldId.App, now), Name = name, CreatedAt = now, UpdatedAt = now };
        await Store.CreateApplicationAsync(app, Ct);
        return app.Id;
    }

    public async Task<string> CreateEndpointAsync(string appId, string url, string? eventType = null)
    {
        var now = time.GetUtcNow();
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = appId, Url = url, EventTypes = eventType is null ? null : [eventType],
            Secret = WebhookSecret.Generate(), CreatedAt = now, UpdatedAt = now,
        };
        await Store.CreateEndpointAsync(endpoint, Ct);
        return endpoint.Id;
    }

    /// <summary>Queues a message for every matching endpoint of the application; returns its id.</summary>
    public async Task<string> SendAsync(string appId, string eventType = "invoice.paid", DateTimeOffset? at = null)
    {
        var now = at ?? time.GetUtcNow();
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, now), AppId = appId, EventType = eventType, Payload = """{"amount":2700}""", CreatedAt = now,
        };
        await Store.CreateMessageAsync(message, null, null, Ct);
        return message.Id;
    }

    public async Task<Dispatcher> StartAsync(DeliveryOptions? options = null)
    {
        options ??= new DeliveryOptions();
        options.AllowedSubnets = ["127.0.0.0/8"];
        var sender = new HttpDeliverySender(options,
            new GuardedConnector(new OutboundAddressPolicy(options.AllowedSubnets), new SystemHostResolver(), new SocketAddressConnector()), time);
        var dispatcher = new Dispatcher(Store, sender, Signal, options, time, NullLogger<Dispatcher>.Instance, []);
        _dispatchers.Add((dispatcher, sender));
        await dispatcher.StartAsync(Ct);
        return dispatcher;
    }

    public async Task<IReadOnlyList<Attempt>> AttemptsAsync(string appId, string msgId) =>
        (await Store.ListAttemptsAsync(appId, new AttemptQuery { Page = new PageRequest(50), MsgId = msgId }, Ct)).Data;

    public async Task<DeliveryStatus> StatusAsync(string appId, string msgId) =>
        (await Store.ListMessageDestinationsAsync(appId, msgId, new PageRequest(10), Ct)).Data.Single().Status;

    public async ValueTask DisposeAsync()
    {
        foreach (var (dispatcher, sender) in _dispatchers)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)); // hanging sends are cut short and released
            await dispatcher.StopAsync(stop.Token);
            dispatcher.Dispose();
            sender.Dispose();
        }
    }
}
