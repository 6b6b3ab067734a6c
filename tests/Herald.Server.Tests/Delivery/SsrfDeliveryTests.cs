using System.Net;
using System.Net.Sockets;
using Herald.Delivery.Ssrf;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Delivery;

/// <summary>The delivery path refuses private destinations and records why. DNS and dialling are replaced, so no packet leaves.</summary>
public sealed class SsrfDeliveryTests
{
    private sealed class FixedResolver : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult(host == "metadata.internal" ? [IPAddress.Parse("169.254.169.254")] : new[] { IPAddress.Parse("10.1.2.3") });
    }

    private sealed class RecordingConnector : IAddressConnector
    {
        public ConcurrentList Dialled { get; } = new();

        public ValueTask<Stream> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
        {
            Dialled.Add(endPoint);
            throw new SocketException((int)SocketError.ConnectionRefused);
        }
    }

    public sealed class ConcurrentList
    {
        private readonly List<IPEndPoint> _items = [];

        public void Add(IPEndPoint item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public IPEndPoint[] Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    [Theory]
    [InlineData("http://metadata.internal/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://10.9.8.7:8080/hook", "10.9.8.7")]
    [InlineData("http://[fd00::5]/hook", "fd00::5")]
    public async Task A_refused_destination_is_recorded_as_a_failed_attempt_with_the_reason(string url, string address)
    {
        var connector = new RecordingConnector();
        await using var host = await HeraldHost.StartAsync(
            new() { ["Herald:Delivery:AllowedSubnets:0"] = "" },
            services: s =>
            {
                s.AddSingleton<IHostResolver>(new FixedResolver());
                s.AddSingleton<IAddressConnector>(connector);
            });
        string app = await host.CreateAppAsync();
        await host.CreateEndpointAsync(app, url);
        string msg = await host.SendAsync(app, "a.b", new { });
        var attempts = await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}"), a => a["data"]!.AsArray().Count == 1);
        string response = attempts["data"]![0]!["response"]!.GetValue<string>();
        Assert.StartsWith("Refused", response, StringComparison.Ordinal);
        Assert.Contains(address, response, StringComparison.Ordinal);
        Assert.Equal(0, attempts["data"]![0]!["responseStatusCode"]!.GetValue<int>());
        Assert.Empty(connector.Dialled.Snapshot());
    }

    [Fact]
    public async Task An_allow_listed_subnet_is_dialled_at_the_resolved_address()
    {
        var connector = new RecordingConnector();
        await using var host = await HeraldHost.StartAsync(
            new() { ["Herald:Delivery:AllowedSubnets:0"] = "10.1.0.0/16" },
            services: s =>
            {
                s.AddSingleton<IHostResolver>(new FixedResolver());
                s.AddSingleton<IAddressConnector>(connector);
            });
        string app = await host.CreateAppAsync();
        await host.CreateEndpointAsync(app, "http://billing.internal:9000/hook");
        string msg = await host.SendAsync(app, "a.b", new { });
        await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}"), a => a["data"]!.AsArray().Count == 1);
        var dialled = Assert.Single(connector.Dialled.Snapshot());
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 9000), dialled);
    }
}
