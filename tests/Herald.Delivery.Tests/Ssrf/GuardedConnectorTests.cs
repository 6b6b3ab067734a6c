using System.Net;
using System.Net.Sockets;
using Herald.Delivery.Ssrf;

namespace Herald.Delivery.Tests.Ssrf;

/// <summary>
/// The connect path with a resolver that answers from a table and a connector that records the address it was
/// asked to dial and never opens a socket: even a broken guard sends no packet anywhere.
/// </summary>
public sealed class GuardedConnectorTests
{
    private sealed class TableResolver(Dictionary<string, string[]> table) : IHostResolver
    {
        public int Lookups;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Lookups);
            return Task.FromResult(table[host].Select(IPAddress.Parse).ToArray());
        }
    }

    private sealed class RecordingConnector : IAddressConnector
    {
        public List<IPEndPoint> Dialled { get; } = [];

        public ValueTask<Stream> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
        {
            Dialled.Add(endPoint);
            throw new SocketException((int)SocketError.ConnectionRefused);
        }
    }

    private static async Task<(HttpRequestException? Error, RecordingConnector Connector, TableResolver Resolver)> SendAsync(string url, string[] allowed, Dictionary<string, string[]>? dns = null)
    {
        var resolver = new TableResolver(dns ?? []);
        var connector = new RecordingConnector();
        var guard = new GuardedConnector(new OutboundAddressPolicy(allowed), resolver, connector);
        using var handler = new SocketsHttpHandler { ConnectCallback = guard.ConnectAsync, UseProxy = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler);
        try
        {
            await client.PostAsync(url, new StringContent("{}"));
            return (null, connector, resolver);
        }
        catch (HttpRequestException ex)
        {
            return (ex, connector, resolver);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://10.0.0.7/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.1.1/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[::ffff:10.0.0.1]/")]
    [InlineData("http://[64:ff9b::a00:1]/")]
    [InlineData("http://[2002:a00:1::1]/")]
    [InlineData("http://[2001:0:4136:e378::1]/")]
    public async Task Refused_address_literals_are_never_dialled(string url)
    {
        var (error, connector, _) = await SendAsync(url, []);
        Assert.NotNull(error);
        Assert.IsType<OutboundAddressRefusedException>(error.InnerException);
        Assert.Empty(connector.Dialled);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_a_private_address_is_refused()
    {
        var (error, connector, resolver) = await SendAsync("http://internal.example/hook", [], new() { ["internal.example"] = ["10.20.30.40"] });
        Assert.Contains("10.20.30.40", error!.InnerException!.Message, StringComparison.Ordinal);
        Assert.Empty(connector.Dialled);
        Assert.Equal(1, resolver.Lookups);
    }

    [Fact]
    public async Task A_host_with_one_public_and_one_private_address_is_refused()
    {
        var (error, connector, _) = await SendAsync("http://mixed.example/", [], new() { ["mixed.example"] = ["93.184.216.34", "192.168.0.10"] });
        Assert.IsType<OutboundAddressRefusedException>(error!.InnerException);
        Assert.Empty(connector.Dialled);
    }

    [Fact]
    public async Task A_public_host_is_dialled_at_the_vetted_address_itself_after_one_lookup()
    {
        var (_, connector, resolver) = await SendAsync("http://shop.example:8443/hook", [], new() { ["shop.example"] = ["93.184.216.34"] });
        var dialled = Assert.Single(connector.Dialled);
        Assert.Equal(IPAddress.Parse("93.184.216.34"), dialled.Address);
        Assert.Equal(8443, dialled.Port);
        Assert.Equal(1, resolver.Lookups);
    }

    [Fact]
    public async Task An_allow_listed_private_subnet_is_dialled()
    {
        var (_, connector, _) = await SendAsync("http://billing.internal/hook", ["10.20.0.0/16"], new() { ["billing.internal"] = ["10.20.30.40"] });
        Assert.Equal(IPAddress.Parse("10.20.30.40"), Assert.Single(connector.Dialled).Address);
    }

    [Fact]
    public async Task An_allow_listed_loopback_literal_is_dialled()
    {
        var (_, connector, _) = await SendAsync("http://127.0.0.1:9/hook", ["127.0.0.0/8"]);
        Assert.Equal(IPAddress.Loopback, Assert.Single(connector.Dialled).Address);
    }
}
