using System.Buffers;
using System.Globalization;
using System.Text;

namespace Herald.Signing;

/// <summary>
/// The bytes every Standard Webhooks signature covers, <c>{id}.{timestamp}.{body}</c>, in a pooled buffer that
/// <see cref="Dispose"/> returns. Built once per message and shared by every key that signs or verifies it.
/// </summary>
internal readonly ref struct SignedContent : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _length;

    private SignedContent(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public static SignedContent Create(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> ts = stackalloc byte[24];
        timestamp.TryFormat(ts, out int tsLength, default, CultureInfo.InvariantCulture);
        int total = Encoding.UTF8.GetByteCount(messageId) + 1 + tsLength + 1 + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        int pos = Encoding.UTF8.GetBytes(messageId, buffer);
        buffer[pos++] = (byte)'.';
        ts[..tsLength].CopyTo(buffer.AsSpan(pos));
        pos += tsLength;
        buffer[pos++] = (byte)'.';
        body.CopyTo(buffer.AsSpan(pos));
        return new SignedContent(buffer, pos + body.Length);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
