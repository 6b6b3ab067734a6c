using System.Net;
using System.Net.Sockets;

namespace Herald.Delivery.Ssrf;

/// <summary>Resolves host names. A seam so tests can answer with any address without DNS.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>Opens the TCP connection to an already vetted address. A seam so tests can record instead of dialling.</summary>
public interface IAddressConnector
{
    ValueTask<Stream> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken);
}

public sealed class SystemHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

public sealed class SocketAddressConnector : IAddressConnector
{
    public async ValueTask<Stream> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>Thrown when every address of a webhook URL's host is refused by the outbound policy.</summary>
public sealed class OutboundAddressRefusedException(string message) : IOException(message);

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the delivery client: resolves the host once, refuses the
/// connection if any resolved address is not allowed, and connects to a vetted address itself so that a second
/// DNS answer cannot swap it.
/// </summary>
public sealed class GuardedConnector(OutboundAddressPolicy policy, IHostResolver resolver, IAddressConnector connector)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        int port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new OutboundAddressRefusedException($"host '{host}' has no addresses");
        }
        foreach (var address in addresses)
        {
            if (policy.Refusal(address) is { } reason)
            {
                throw new OutboundAddressRefusedException($"refused to connect to '{host}': {reason}");
            }
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await connector.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }
        throw new IOException($"could not connect to '{host}:{port}'", last);
    }
}
