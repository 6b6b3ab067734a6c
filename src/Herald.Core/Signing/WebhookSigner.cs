using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Herald.Signing;

/// <summary>Produces Standard Webhooks <c>v1</c> signatures: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>.</summary>
public static class WebhookSigner
{
    public const string Version = "v1";

    /// <summary>Returns <c>v1,&lt;base64&gt;</c> for one key.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeMac(key, messageId, timestamp, body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    public static string Sign(WebhookSecret secret, string messageId, long timestamp, string body) =>
        Sign(secret.Key, messageId, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>Signs with every key and joins the signatures with spaces, as sent during secret rotation.</summary>
    public static string SignAll(IReadOnlyList<byte[]> keys, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        if (keys.Count == 1)
        {
            return Sign(keys[0], messageId, timestamp, body);
        }
        var sb = new StringBuilder(keys.Count * 48);
        for (int i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append(Sign(keys[i], messageId, timestamp, body));
        }
        return sb.ToString();
    }

    internal static void ComputeMac(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        Span<byte> ts = stackalloc byte[24];
        timestamp.TryFormat(ts, out int tsLength, default, CultureInfo.InvariantCulture);
        int idLength = Encoding.UTF8.GetByteCount(messageId);
        int total = idLength + 1 + tsLength + 1 + body.Length;
        byte[]? rented = total > 4096 ? ArrayPool<byte>.Shared.Rent(total) : null;
        Span<byte> content = rented is null ? stackalloc byte[4096] : rented;
        try
        {
            int pos = Encoding.UTF8.GetBytes(messageId, content);
            content[pos++] = (byte)'.';
            ts[..tsLength].CopyTo(content[pos..]);
            pos += tsLength;
            content[pos++] = (byte)'.';
            body.CopyTo(content[pos..]);
            pos += body.Length;
            HMACSHA256.HashData(key, content[..pos], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
