using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Herald.Signing;

/// <summary>
/// An ed25519 key pair in the Standard Webhooks form <c>whsk_&lt;base64 of 64 bytes&gt;</c>: the 32-byte private seed
/// followed by its 32-byte public key, the secret-key layout of libsodium and NaCl that the Svix server also uses.
/// It signs <c>v1a</c>; receivers verify with <see cref="PublicKey"/> (<c>whpk_…</c>).
/// </summary>
public sealed class WebhookKeyPair
{
    /// <summary>The prefix of an exported key pair, <c>whsk_</c>.</summary>
    public const string Prefix = "whsk_";

    /// <summary>Bytes of the ed25519 seed (the private part).</summary>
    public const int SeedSize = 32;

    /// <summary>Bytes of the exported key pair: the seed, then the public key.</summary>
    public const int Size = SeedSize + WebhookPublicKey.Size;

    private readonly byte[] _seed;

    private WebhookKeyPair(byte[] seed, WebhookPublicKey publicKey)
    {
        _seed = seed;
        PublicKey = publicKey;
    }

    /// <summary>The public half, which receivers verify <c>v1a</c> signatures with.</summary>
    public WebhookPublicKey PublicKey { get; }

    /// <summary>A new key pair from 32 random bytes, in the <c>whsk_…</c> form.</summary>
    public static string Generate() => FromSeed(RandomNumberGenerator.GetBytes(SeedSize)).Export();

    /// <summary>The key pair of a 32-byte private seed (the form RFC 8032 calls the private key).</summary>
    public static WebhookKeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An ed25519 seed is {SeedSize} bytes.", nameof(seed));
        }
        var publicKey = new byte[WebhookPublicKey.Size];
        Ed25519.GeneratePublicKey(seed, publicKey);
        return new WebhookKeyPair(seed.ToArray(), new WebhookPublicKey(publicKey));
    }

    /// <summary>Parses <c>whsk_…</c>. Throws <see cref="FormatException"/> for anything else.</summary>
    public static WebhookKeyPair Parse(string secretKey) =>
        TryParse(secretKey, out var parsed)
            ? parsed
            : throw new FormatException("The secret key is not whsk_ followed by the base64 of 64 bytes (an ed25519 seed and its public key).");

    /// <summary>
    /// Only <c>whsk_</c> followed by the base64 of exactly 64 bytes whose second half is the public key of the first:
    /// a pair that does not belong together would sign what no receiver can verify.
    /// </summary>
    public static bool TryParse(string? secretKey, out WebhookKeyPair parsed)
    {
        parsed = null!;
        if (secretKey is null || !secretKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        Span<byte> raw = stackalloc byte[Size + 3];
        try
        {
            if (!Convert.TryFromBase64String(secretKey[Prefix.Length..], raw, out int written) || written != Size)
            {
                return false;
            }
            var pair = FromSeed(raw[..SeedSize]);
            if (!CryptographicOperations.FixedTimeEquals(pair.PublicKey.Key, raw[SeedSize..Size]))
            {
                return false;
            }
            parsed = pair;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>The <c>whsk_…</c> form. A secret: store it, never show or log it.</summary>
    public string Export()
    {
        var raw = new byte[Size];
        _seed.CopyTo(raw, 0);
        PublicKey.Key.CopyTo(raw.AsSpan(SeedSize));
        return Prefix + Convert.ToBase64String(raw);
    }

    /// <summary>Writes the 64-byte ed25519 signature of <paramref name="content"/>.</summary>
    internal void Sign(ReadOnlySpan<byte> content, Span<byte> signature) =>
        Ed25519.Sign(_seed, PublicKey.Key, content, signature);

    /// <summary>Names the public half only.</summary>
    public override string ToString() => $"ed25519 key pair ({PublicKey})";
}
