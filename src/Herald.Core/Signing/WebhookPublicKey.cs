using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Herald.Signing;

/// <summary>
/// An ed25519 public key in the Standard Webhooks form <c>whpk_&lt;base64 of 32 bytes&gt;</c>: all a receiver needs to
/// verify <c>v1a</c> signatures. It is not a secret, and it cannot sign.
/// </summary>
public sealed class WebhookPublicKey
{
    /// <summary>The prefix of a public key, <c>whpk_</c>.</summary>
    public const string Prefix = "whpk_";

    /// <summary>Bytes of an ed25519 public key.</summary>
    public const int Size = 32;

    /// <summary>Bytes of an ed25519 signature.</summary>
    public const int SignatureSize = 64;

    private readonly byte[] _key;

    internal WebhookPublicKey(byte[] key) => _key = key;

    /// <summary>The raw 32-byte public key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Parses <c>whpk_…</c>. Throws <see cref="FormatException"/> for anything else.</summary>
    public static WebhookPublicKey Parse(string publicKey) =>
        TryParse(publicKey, out var parsed)
            ? parsed
            : throw new FormatException("The public key is not whpk_ followed by the base64 of a 32-byte ed25519 public key.");

    /// <summary>Only <c>whpk_</c> and the base64 of a valid ed25519 point; the prefix is required, as it names the scheme.</summary>
    public static bool TryParse(string? publicKey, out WebhookPublicKey parsed)
    {
        parsed = null!;
        if (publicKey is null || !publicKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var key = new byte[Size];
        if (!Convert.TryFromBase64String(publicKey[Prefix.Length..], key, out int written) || written != Size
            || !Ed25519.ValidatePublicKeyPartial(key))
        {
            return false;
        }
        parsed = new WebhookPublicKey(key);
        return true;
    }

    /// <summary>Whether <paramref name="signature"/> is this key's ed25519 signature of <paramref name="content"/>.</summary>
    internal bool Verify(ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureSize && Ed25519.Verify(signature, _key, content);

    /// <summary>The <c>whpk_…</c> form, safe to show and to publish.</summary>
    public override string ToString() => Prefix + Convert.ToBase64String(_key);
}
