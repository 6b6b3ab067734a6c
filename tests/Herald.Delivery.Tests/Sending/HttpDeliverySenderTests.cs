using System.Net;
using System.Net.Sockets;
using Herald.Delivery.Sending;
using Herald.Delivery.Ssrf;
using Herald.Model;
using Herald.Retries;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Sending;

public sealed class HttpDeliverySenderTests
{
    /// <summary>
    /// Why the lease need only outlast <c>RequestTimeout</c>: the request timeout runs from before the connection is
    /// made, so a connection that takes its whole (longer) <c>ConnectTimeout</c> still ends the request on time.
    /// </summary>
    [Fact]
    public async Task The_request_timeout_also_bounds_a_connection_that_does_not_complete()
    {
        // A listener whose accept queue is full: Linux drops further SYNs, so a new connection hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            bool full = false;
            for (int i = 0; i < 64 && !full; i++)
            {
                full = !await ConnectsAsync(port, fillers);
            }
            Assert.True(full, "the listener's accept queue never filled, so no connection could be made to hang");

            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var options = new DeliveryOptions
            {
                AllowedSubnets = ["127.0.0.0/8"], RequestTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromMinutes(10),
            };
            using var sender = new HttpDeliverySender(options,
                new GuardedConnector(new OutboundAddressPolicy(options.AllowedSubnets), new SystemHostResolver(), new SocketAddressConnector()), time);

            var sending = sender.SendAsync(Delivery($"http://127.0.0.1:{port}/hook"), CancellationToken.None);
            Assert.False(sending.IsCompleted); // connecting
            time.Advance(options.RequestTimeout);
            var result = await sending.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(AttemptOutcome.Timeout, result.Outcome);
            Assert.Equal("Timed out after 5 s.", result.Response);
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Opens one more connection to the listener; false when it does not complete within a second (the queue is full).</summary>
    private static async Task<bool> ConnectsAsync(int port, List<Socket> into)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        into.Add(socket);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static DueDelivery Delivery(string url) => new()
    {
        DeliveryId = 1, MsgId = "msg_1", AppId = "app_1", EndpointId = "ep_1", AttemptsMade = 0, Trigger = TriggerType.Scheduled,
        EventType = "order.paid", Payload = "{}", Url = url, EndpointDisabled = false, Secrets = [WebhookSecret.Generate()],
        Headers = new Dictionary<string, string>(), LeaseUntil = DateTimeOffset.UtcNow.AddMinutes(1),
    };
}
