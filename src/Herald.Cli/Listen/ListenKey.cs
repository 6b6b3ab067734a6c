using Herald.Signing;

namespace Herald.Cli.Listen;

/// <summary>The key <c>listen</c> signs its forwards with: given by <c>--secret</c>, or generated of <c>--key-type</c>.</summary>
internal static class ListenKey
{
    public const string HmacSha256 = "hmac-sha256";
    public const string Ed25519 = "ed25519";

    /// <summary>The key's text and the parsed key; throws a usage error that says what to give instead.</summary>
    public static (string Text, SigningSecret Secret) Resolve(string? secret, string? keyType)
    {
        if (keyType is not null and not HmacSha256 and not Ed25519)
        {
            throw new CliException($"--key-type must be {HmacSha256} or {Ed25519}.", CliException.Usage);
        }
        if (secret is null)
        {
            string generated = keyType == Ed25519 ? WebhookKeyPair.Generate() : WebhookSecret.Generate();
            return (generated, SigningSecret.Parse(generated));
        }
        if (secret.StartsWith(WebhookPublicKey.Prefix, StringComparison.Ordinal))
        {
            // listen signs; a public key can only verify. The app keeps the whpk_ key, listen needs its whsk_ pair.
            throw new CliException(
                "--secret got a whpk_ public key, which can only verify: give listen the whsk_ key pair it belongs to "
                + "(your app keeps the whpk_ key), or --key-type ed25519 to make a new pair and print its public key.",
                CliException.Usage);
        }
        if (!SigningSecret.TryParse(secret, out var parsed))
        {
            throw new CliException("--secret must be a whsec_ secret (followed by base64) or a whsk_ ed25519 key pair.", CliException.Usage);
        }
        if (keyType is not null && parsed.IsAsymmetric != (keyType == Ed25519))
        {
            throw new CliException($"--key-type {keyType} does not match the kind of --secret.", CliException.Usage);
        }
        return (secret, parsed);
    }
}
