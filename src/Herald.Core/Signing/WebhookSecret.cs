using System.Security.Cryptography;

namespace Herald.Signing;

/// <summary>A symmetric signing secret in the Standard Webhooks form <c>whsec_&lt;base64&gt;</c>.</summary>
public sealed class WebhookSecret
{
    /// <summary>The prefix of a secret, <c>whsec_</c>.</summary>
    public const string Prefix = "whsec_";

    private WebhookSecret(byte[] key) => Key = key;

    /// <summary>The raw key bytes used for HMAC-SHA256.</summary>
    public byte[] Key { get; }

    /// <summary>A new secret with 24 random bytes, the minimum the specification recommends.</summary>
    public static string Generate(int bytes = 24) => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Parses <c>whsec_…</c> or bare base64. Throws <see cref="FormatException"/> for empty or invalid secrets.</summary>
    public static WebhookSecret Parse(string secret)
    {
        if (!TryParse(secret, out var parsed))
        {
            throw new FormatException("The webhook secret is empty or not base64 (expected whsec_ followed by base64).");
        }
        return parsed;
    }

    /// <summary>Parses as <see cref="Parse"/> does; false instead of throwing.</summary>
    public static bool TryParse(string? secret, out WebhookSecret parsed)
    {
        parsed = null!;
        if (string.IsNullOrWhiteSpace(secret))
        {
            return false;
        }
        var body = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        if (body.Length == 0)
        {
            return false;
        }
        var buffer = new byte[(body.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(body, buffer, out int written) || written == 0)
        {
            return false;
        }
        parsed = new WebhookSecret(buffer[..written]);
        return true;
    }
}
