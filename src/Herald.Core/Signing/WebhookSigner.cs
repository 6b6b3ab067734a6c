using System.Security.Cryptography;
using System.Text;

namespace Herald.Signing;

/// <summary>
/// Produces Standard Webhooks signatures over <c>{id}.{timestamp}.{body}</c>: <c>v1</c> (HMAC-SHA256 with a
/// <c>whsec_</c> secret) and <c>v1a</c> (ed25519 with a <c>whsk_</c> key pair).
/// </summary>
public static class WebhookSigner
{
    /// <summary>The signature version of HMAC-SHA256 with a <c>whsec_</c> secret.</summary>
    public const string Version = "v1";

    /// <summary>The signature version of ed25519 with a <c>whsk_</c> key pair.</summary>
    public const string AsymmetricVersion = "v1a";

    /// <summary>Returns <c>v1,&lt;base64&gt;</c> for one key.</summary>
    public static string Sign(ReadOnlySpan<byte> key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeMac(key, messageId, timestamp, body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>Returns <c>v1,&lt;base64&gt;</c> for <paramref name="secret"/> over the UTF-8 bytes of <paramref name="body"/>.</summary>
    public static string Sign(WebhookSecret secret, string messageId, long timestamp, string body) =>
        Sign(secret.Key, messageId, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>Returns <c>v1a,&lt;base64&gt;</c>: the ed25519 signature by <paramref name="key"/>.</summary>
    public static string Sign(WebhookKeyPair key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> signature = stackalloc byte[WebhookPublicKey.SignatureSize];
        using (var content = SignedContent.Create(messageId, timestamp, body))
        {
            key.Sign(content.Bytes, signature);
        }
        return "v1a," + Convert.ToBase64String(signature);
    }

    /// <summary>
    /// Signs with every secret, whichever its kind, and joins the signatures with spaces: during a rotation the old
    /// and the new secret both sign, also when one is symmetric and the other a key pair.
    /// </summary>
    public static string SignAll(IReadOnlyList<SigningSecret> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        if (secrets.Count == 1)
        {
            return secrets[0].Sign(messageId, timestamp, body);
        }
        var sb = new StringBuilder(secrets.Count * 96);
        for (int i = 0; i < secrets.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append(secrets[i].Sign(messageId, timestamp, body));
        }
        return sb.ToString();
    }

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
        using var content = SignedContent.Create(messageId, timestamp, body);
        HMACSHA256.HashData(key, content.Bytes, destination);
    }
}
