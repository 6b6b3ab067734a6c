using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver.Tests.Handlers;

/// <summary>A "*" handler takes what no typed handler takes, including payloads that carry no <c>type</c> at all.</summary>
public sealed class CatchAllHandlerTests : IAsyncLifetime
{
    private readonly string _secret = WebhookSecret.Generate();
    private readonly TempDirectory _dir = new();
    private readonly HandlerProbe _probe = new();
    private readonly ConcurrentQueue<string> _caught = new();
    private ReceiverApp _app = null!;

    private sealed class CatchAll(ConcurrentQueue<string> caught) : IWebhookHandler<JsonElement>
    {
        public Task HandleAsync(WebhookContext<JsonElement> context, CancellationToken cancellationToken)
        {
            caught.Enqueue(context.MessageId);
            return Task.CompletedTask;
        }
    }

    public async Task InitializeAsync() =>
        _app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), _secret), configureReceiver: receiver =>
        {
            PaymentHandlerRegistration.With(_probe)(receiver);
            receiver.Services.AddSingleton(_caught);
            receiver.AddHandler<JsonElement, CatchAll>("*");
        });

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Untyped_and_unknown_messages_reach_the_catch_all_and_typed_ones_their_own_handler()
    {
        using (var untyped = await _app.PostAsync(SignedWebhook.Create(_secret, "{\"orderId\":\"12345\"}", "msg_untyped")))
        {
            Assert.Equal(HttpStatusCode.OK, untyped.StatusCode);
        }
        using (var unknown = await _app.PostAsync(SignedWebhook.ForEvent(_secret, "order.shipped", new { id = 1 }, "msg_unknown")))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        }
        using (var typed = await _app.PostAsync(SignedWebhook.ForEvent(_secret, PaymentHandlerRegistration.EventType, new PaymentSucceeded("pay_1", 27m, "USD"), "msg_typed")))
        {
            Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        }
        await Eventually.UntilAsync(() => _caught.Count == 2 && _probe.Calls.Count == 1, "the catch-all and the typed handler to run");
        Assert.Equal(["msg_unknown", "msg_untyped"], _caught.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("msg_typed", Assert.Single(_probe.Calls).MessageId);
    }
}
