using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Herald.Bench.Targets;

/// <summary>
/// The load generator's message POSTs: HTTP/1.1 over plain keep-alive sockets, one request at a time per
/// connection, with the request head written by hand. On a 2-core machine the generator shares the CPU with the
/// server, and HttpClient's per-request work would be measured as the server's slowness.
/// </summary>
internal sealed class LeanPoster : IDisposable
{
    private readonly IPEndPoint _server;
    private readonly string _hostHeader;
    private readonly string _authorization;
    private readonly ConcurrentBag<Connection> _idle = [];
    private readonly SemaphoreSlim _connections;

    /// <param name="maxConnections">Requests beyond this many wait for a connection, as with HttpClient's per-server limit.</param>
    public LeanPoster(Uri baseUrl, string bearerToken, int maxConnections)
    {
        _connections = new SemaphoreSlim(maxConnections, maxConnections);
        _server = new IPEndPoint(IPAddress.Parse(baseUrl.Host), baseUrl.Port);
        _hostHeader = baseUrl.Authority;
        _authorization = "Bearer " + bearerToken;
    }

    /// <summary>POSTs a JSON body; returns the response status code. Network failures throw <see cref="HttpRequestException"/>.</summary>
    public async Task<int> PostJsonAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        await _connections.WaitAsync(cancellationToken);
        try
        {
            return await PostOnAConnectionAsync(path, body, cancellationToken);
        }
        finally
        {
            _connections.Release();
        }
    }

    private async Task<int> PostOnAConnectionAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = await Connection.OpenAsync(_server, cancellationToken);
        }
        try
        {
            string head = string.Create(CultureInfo.InvariantCulture,
                $"POST {path} HTTP/1.1\r\nHost: {_hostHeader}\r\nAuthorization: {_authorization}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
            var (status, keepAlive) = await connection.ExchangeAsync(head, body, cancellationToken);
            if (keepAlive)
            {
                _idle.Add(connection);
            }
            else
            {
                connection.Dispose();
            }
            return status;
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
        {
            connection.Dispose();
            throw new HttpRequestException(ex.Message, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
        _connections.Dispose();
    }

    private sealed class Connection(Socket socket) : IDisposable
    {
        private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
        private static readonly byte[] ChunkedEnd = "0\r\n\r\n"u8.ToArray();
        private byte[] _buffer = new byte[8192];

        public static async Task<Connection> OpenAsync(IPEndPoint server, CancellationToken cancellationToken)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(server, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            return new Connection(socket);
        }

        public async Task<(int Status, bool KeepAlive)> ExchangeAsync(string head, byte[] body, CancellationToken cancellationToken)
        {
            int length = Encoding.ASCII.GetByteCount(head) + body.Length;
            if (_buffer.Length < length)
            {
                _buffer = new byte[length * 2];
            }
            int written = Encoding.ASCII.GetBytes(head, _buffer);
            body.CopyTo(_buffer, written);
            await socket.SendAsync(_buffer.AsMemory(0, length), SocketFlags.None, cancellationToken);

            // Read the head, then whatever body it announces; the body itself is not needed.
            int filled = 0, headEnd;
            while ((headEnd = _buffer.AsSpan(0, filled).IndexOf(HeadEnd)) < 0)
            {
                filled += await ReceiveAsync(filled, cancellationToken);
            }
            string responseHead = Encoding.ASCII.GetString(_buffer, 0, headEnd);
            int status = int.Parse(responseHead.AsSpan(9, 3), CultureInfo.InvariantCulture);
            int bodyStart = headEnd + HeadEnd.Length;
            if (Header(responseHead, "content-length") is { } contentLength)
            {
                int remaining = int.Parse(contentLength, CultureInfo.InvariantCulture) - (filled - bodyStart);
                while (remaining > 0)
                {
                    remaining -= await ReceiveAsync(0, cancellationToken);
                }
            }
            else if (Header(responseHead, "transfer-encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Small JSON answers: read until the last-chunk marker.
                while (!_buffer.AsSpan(bodyStart, filled - bodyStart).EndsWith(ChunkedEnd))
                {
                    if (filled == _buffer.Length)
                    {
                        Array.Resize(ref _buffer, _buffer.Length * 2);
                    }
                    filled += await ReceiveAsync(filled, cancellationToken);
                }
            }
            bool keepAlive = !string.Equals(Header(responseHead, "connection"), "close", StringComparison.OrdinalIgnoreCase);
            return (status, keepAlive);
        }

        private async Task<int> ReceiveAsync(int offset, CancellationToken cancellationToken)
        {
            if (offset == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            int received = await socket.ReceiveAsync(_buffer.AsMemory(offset), SocketFlags.None, cancellationToken);
            return received > 0 ? received : throw new IOException("The server closed the connection.");
        }

        private static string? Header(string head, string name)
        {
            foreach (var line in head.Split("\r\n"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return line[(colon + 1)..].Trim();
                }
            }
            return null;
        }

        public void Dispose() => socket.Dispose();
    }
}
