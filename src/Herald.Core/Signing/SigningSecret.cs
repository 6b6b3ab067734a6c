namespace Herald.Signing;

/// <summary>
/// A secret an endpoint signs with, of either kind the specification defines: a symmetric <c>whsec_</c> secret
/// (HMAC-SHA256, <c>v1</c>) or an ed25519 <c>whsk_</c> key pair (<c>v1a</c>). The prefix says which.
/// </summary>
public sealed class SigningSecret
{
    private readonly WebhookSecret? _symmetric;
    private readonly WebhookKeyPair? _keyPair;

    private SigningSecret(WebhookSecret? symmetric, WebhookKeyPair? keyPair)
    {
        _symmetric = symmetric;
        _keyPair = keyPair;
    }

    /// <summary>True for an ed25519 <c>whsk_</c> key pair (signing <c>v1a</c>), false for a <c>whsec_</c> secret (<c>v1</c>).</summary>
    public bool IsAsymmetric => _keyPair is not null;

    /// <summary>
    /// What a receiver verifies with: the same <c>whsec_</c> secret for a symmetric one, the <c>whpk_</c> public key of a key pair.
    /// </summary>
    public string VerificationKey => _keyPair is not null
        ? _keyPair.PublicKey.ToString()
        : WebhookSecret.Prefix + Convert.ToBase64String(_symmetric!.Key);

    /// <summary>Parses <c>whsk_…</c>, or <c>whsec_…</c> (the prefix may be left out). Throws <see cref="FormatException"/> otherwise.</summary>
    public static SigningSecret Parse(string secret) =>
        TryParse(secret, out var parsed)
            ? parsed
            : throw new FormatException("The signing secret is neither a whsec_ secret nor a whsk_ ed25519 key pair.");

    /// <summary>Parses as <see cref="Parse"/> does; false instead of throwing.</summary>
    public static bool TryParse(string? secret, out SigningSecret parsed)
    {
        parsed = null!;
        if (secret is not null && secret.StartsWith(WebhookKeyPair.Prefix, StringComparison.Ordinal))
        {
            if (!WebhookKeyPair.TryParse(secret, out var pair))
            {
                return false;
            }
            parsed = new SigningSecret(null, pair);
            return true;
        }
        if (!WebhookSecret.TryParse(secret, out var symmetric))
        {
            return false;
        }
        parsed = new SigningSecret(symmetric, null);
        return true;
    }

    /// <summary>Returns <c>v1,&lt;base64&gt;</c> or <c>v1a,&lt;base64&gt;</c>, as the kind requires.</summary>
    public string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body) =>
        _keyPair is not null
            ? WebhookSigner.Sign(_keyPair, messageId, timestamp, body)
            : WebhookSigner.Sign(_symmetric!.Key, messageId, timestamp, body);

    /// <summary>Names the kind and, for a key pair, the public key; never the secret.</summary>
    public override string ToString() => _keyPair?.ToString() ?? "whsec_ secret";
}
