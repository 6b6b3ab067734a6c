using Herald.Signing;

namespace Herald.Server.Changes;

/// <summary>The two kinds of endpoint secret Standard Webhooks defines.</summary>
internal enum SecretKind
{
    /// <summary>A <c>whsec_</c> secret; signatures <c>v1</c> (HMAC-SHA256).</summary>
    HmacSha256 = 0,

    /// <summary>A <c>whsk_</c> ed25519 key pair; signatures <c>v1a</c>, verified with the <c>whpk_</c> public key.</summary>
    Ed25519 = 1,
}

internal static class SecretKinds
{
    public const string HmacSha256Name = "hmac-sha256";
    public const string Ed25519Name = "ed25519";

    /// <summary>The API's <c>keyType</c> value; null for null, and for anything unknown (validation names it).</summary>
    public static SecretKind? FromName(string? name) => name switch
    {
        HmacSha256Name => SecretKind.HmacSha256,
        Ed25519Name => SecretKind.Ed25519,
        _ => null,
    };

    /// <summary>The kind of a stored or given secret, told by its prefix.</summary>
    public static SecretKind Of(string secret) =>
        secret.StartsWith(WebhookKeyPair.Prefix, StringComparison.Ordinal) ? SecretKind.Ed25519 : SecretKind.HmacSha256;

    public static string Generate(SecretKind kind) =>
        kind == SecretKind.Ed25519 ? WebhookKeyPair.Generate() : WebhookSecret.Generate();

    /// <summary>
    /// What the secret API and the dashboard show: a symmetric secret as stored, the public key of a key pair (the
    /// <c>whsk_</c> secret key never leaves Herald).
    /// </summary>
    public static string VerificationKey(string secret) =>
        Of(secret) == SecretKind.Ed25519 ? WebhookKeyPair.Parse(secret).PublicKey.ToString() : secret;
}
