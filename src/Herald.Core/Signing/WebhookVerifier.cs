using System.Globalization;
using System.Security.Cryptography;

namespace Herald.Signing;

/// <summary>Why a webhook failed verification. Names the reason, never the secret.</summary>
public enum VerificationFailure
{
    /// <summary>Verified.</summary>
    None = 0,

    /// <summary><c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is missing.</summary>
    MissingHeaders,

    /// <summary><c>webhook-timestamp</c> is not a Unix time in whole seconds.</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is further in the past than the tolerance: possibly a replay.</summary>
    TimestampTooOld,

    /// <summary>The timestamp is further in the future than the tolerance.</summary>
    TimestampTooNew,

    /// <summary>No signature in the header matches the body under any configured key.</summary>
    NoValidSignature,
}

/// <summary>
/// Verifies Standard Webhooks signatures: <c>v1</c> against <c>whsec_</c> secrets and <c>v1a</c> against <c>whpk_</c>
/// ed25519 public keys. Any one valid entry of a space-separated header passes.
/// </summary>
public sealed class WebhookVerifier
{
    private readonly byte[][] _secrets;
    private readonly WebhookPublicKey[] _publicKeys;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _time;

    /// <param name="keys">
    /// Every key currently accepted (several during rotation): <c>whsec_…</c> secrets (the prefix may be left out) and
    /// <c>whpk_…</c> public keys, in any mix.
    /// </param>
    /// <param name="tolerance">Allowed clock skew each way; 5 minutes when null.</param>
    /// <param name="time">The clock timestamps are checked against; the system clock when null.</param>
    public WebhookVerifier(IEnumerable<string> keys, TimeSpan? tolerance = null, TimeProvider? time = null)
    {
        var secrets = new List<byte[]>();
        var publicKeys = new List<WebhookPublicKey>();
        foreach (var key in keys)
        {
            if (key is not null && key.StartsWith(WebhookPublicKey.Prefix, StringComparison.Ordinal))
            {
                publicKeys.Add(WebhookPublicKey.TryParse(key, out var publicKey)
                    ? publicKey
                    : throw new ArgumentException("A whpk_ public key is not the base64 of a 32-byte ed25519 public key.", nameof(keys)));
            }
            else if (key is not null && key.StartsWith(WebhookKeyPair.Prefix, StringComparison.Ordinal))
            {
                // A receiver holding the secret key could forge what it verifies; the point of v1a is that it never has it.
                throw new ArgumentException("A whsk_ secret key was given to verify with; configure its whpk_ public key instead.", nameof(keys));
            }
            else
            {
                secrets.Add(WebhookSecret.TryParse(key, out var parsed)
                    ? parsed.Key
                    : throw new ArgumentException("A webhook secret is empty or not valid base64 (expected whsec_… or a whpk_… public key).", nameof(keys)));
            }
        }
        if (secrets.Count == 0 && publicKeys.Count == 0)
        {
            throw new ArgumentException("At least one webhook secret or public key is required.", nameof(keys));
        }
        _secrets = [.. secrets];
        _publicKeys = [.. publicKeys];
        _tolerance = tolerance ?? TimeSpan.FromMinutes(5);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A verifier with one key: a <c>whsec_…</c> secret or a <c>whpk_…</c> public key.</summary>
    public WebhookVerifier(string key, TimeSpan? tolerance = null, TimeProvider? time = null)
        : this([key], tolerance, time)
    {
    }

    /// <summary>Checks id, timestamp and signature header against the raw body bytes.</summary>
    public VerificationFailure Verify(string? messageId, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return VerificationFailure.MissingHeaders;
        }
        if (!TryParseTimestamp(timestamp, out long seconds))
        {
            return VerificationFailure.InvalidTimestamp;
        }
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (seconds < now - (long)_tolerance.TotalSeconds)
        {
            return VerificationFailure.TimestampTooOld;
        }
        if (seconds > now + (long)_tolerance.TotalSeconds)
        {
            return VerificationFailure.TimestampTooNew;
        }

        using var content = SignedContent.Create(messageId, seconds, body);
        return VerifySymmetric(content.Bytes, signatureHeader) || VerifyAsymmetric(content.Bytes, signatureHeader)
            ? VerificationFailure.None
            : VerificationFailure.NoValidSignature;
    }

    private bool VerifySymmetric(ReadOnlySpan<byte> content, string signatureHeader)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> candidate = stackalloc byte[64];
        bool valid = false;
        foreach (var key in _secrets)
        {
            HMACSHA256.HashData(key, content, expected);
            foreach (var range in signatureHeader.AsSpan().Split(' '))
            {
                // Every entry is compared, valid or not, so the time taken says nothing about which one matched.
                if (TryEntry(signatureHeader.AsSpan(range), WebhookSigner.Version, candidate, out int written)
                    && written == expected.Length
                    && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
                {
                    valid = true;
                }
            }
        }
        return valid;
    }

    private bool VerifyAsymmetric(ReadOnlySpan<byte> content, string signatureHeader)
    {
        if (_publicKeys.Length == 0)
        {
            return false;
        }
        Span<byte> candidate = stackalloc byte[WebhookPublicKey.SignatureSize + 3];
        foreach (var range in signatureHeader.AsSpan().Split(' '))
        {
            if (!TryEntry(signatureHeader.AsSpan(range), WebhookSigner.AsymmetricVersion, candidate, out int written)
                || written != WebhookPublicKey.SignatureSize)
            {
                continue;
            }
            foreach (var key in _publicKeys)
            {
                // Public keys guard no secret, so stopping at the first match reveals nothing.
                if (key.Verify(content, candidate[..written]))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Decodes one <c>version,base64</c> entry of the given version; other schemes are ignored, not errors.</summary>
    private static bool TryEntry(ReadOnlySpan<char> entry, string version, Span<byte> destination, out int written)
    {
        written = 0;
        int comma = entry.IndexOf(',');
        return comma > 0 && entry[..comma].SequenceEqual(version)
            && Convert.TryFromBase64Chars(entry[(comma + 1)..], destination, out written);
    }

    /// <summary>Only a plain non-negative integer is a timestamp; "1.0", "-1" and text are not.</summary>
    public static bool TryParseTimestamp(string value, out long seconds) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
}
