using System.Globalization;
using System.Security.Cryptography;

namespace Herald.Signing;

/// <summary>Why a webhook failed verification. Names the reason, never the secret.</summary>
public enum VerificationFailure
{
    None = 0,
    MissingHeaders,
    InvalidTimestamp,
    TimestampTooOld,
    TimestampTooNew,
    NoValidSignature,
}

/// <summary>Verifies Standard Webhooks <c>v1</c> signatures against one or more secrets.</summary>
public sealed class WebhookVerifier
{
    private readonly byte[][] _keys;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _time;

    /// <param name="secrets">Every secret currently accepted (several during rotation).</param>
    /// <param name="tolerance">Allowed clock skew each way; 5 minutes when null.</param>
    public WebhookVerifier(IEnumerable<string> secrets, TimeSpan? tolerance = null, TimeProvider? time = null)
    {
        _keys = secrets.Select(s => WebhookSecret.TryParse(s, out var parsed)
                ? parsed.Key
                : throw new ArgumentException("A webhook secret is empty or not valid base64 (expected whsec_…).", nameof(secrets)))
            .ToArray();
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one webhook secret is required.", nameof(secrets));
        }
        _tolerance = tolerance ?? TimeSpan.FromMinutes(5);
        _time = time ?? TimeProvider.System;
    }

    public WebhookVerifier(string secret, TimeSpan? tolerance = null, TimeProvider? time = null)
        : this([secret], tolerance, time)
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

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> candidate = stackalloc byte[64];
        bool valid = false;
        foreach (var key in _keys)
        {
            WebhookSigner.ComputeMac(key, messageId, seconds, body, expected);
            foreach (var range in signatureHeader.AsSpan().Split(' '))
            {
                var entry = signatureHeader.AsSpan(range);
                int comma = entry.IndexOf(',');
                if (comma <= 0 || !entry[..comma].SequenceEqual("v1"))
                {
                    continue; // other schemes (v1a, v2) are ignored, not errors
                }
                if (Convert.TryFromBase64Chars(entry[(comma + 1)..], candidate, out int written)
                    && written == expected.Length
                    && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
                {
                    valid = true;
                }
            }
        }
        return valid ? VerificationFailure.None : VerificationFailure.NoValidSignature;
    }

    /// <summary>Only a plain non-negative integer is a timestamp; "1.0", "-1" and text are not.</summary>
    public static bool TryParseTimestamp(string value, out long seconds) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
}
