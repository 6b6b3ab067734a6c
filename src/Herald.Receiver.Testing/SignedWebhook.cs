using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Herald.Signing;

namespace Herald.Receiver.Testing;

/// <summary>
/// A correctly signed Standard Webhooks request, for testing a receiver or its handlers
/// without a real sender.
/// </summary>
public sealed class SignedWebhook
{
    private SignedWebhook(string messageId, DateTimeOffset timestamp, string signature, byte[] body)
    {
        MessageId = messageId;
        Timestamp = timestamp;
        Signature = signature;
        Body = body;
    }

    /// <summary>The <c>webhook-id</c>, the receiver's idempotency key.</summary>
    public string MessageId { get; }

    /// <summary>The signed time, whole seconds.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The <c>webhook-signature</c> value, e.g. <c>v1,…</c> or <c>v1a,…</c> (space-separated when several secrets signed).</summary>
    public string Signature { get; }

    /// <summary>The exact bytes that were signed.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The three headers with their <c>webhook-</c> names (or <c>svix-</c> names).</summary>
    public IReadOnlyDictionary<string, string> Headers(bool svixNames = false)
    {
        string prefix = svixNames ? "svix-" : "webhook-";
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [prefix + "id"] = MessageId,
            [prefix + "timestamp"] = Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            [prefix + "signature"] = Signature,
        };
    }

    /// <summary>Signs <paramref name="body"/> as is with every secret given.</summary>
    /// <param name="secrets">
    /// One or more <c>whsec_…</c> secrets (signing <c>v1</c>) or <c>whsk_…</c> ed25519 secret keys (signing <c>v1a</c>,
    /// verified with their <c>whpk_…</c> public key); several produce several signatures, as during rotation.
    /// </param>
    /// <param name="body">The request body, signed byte for byte.</param>
    /// <param name="messageId">The <c>webhook-id</c>; a random <c>msg_…</c> id when null.</param>
    /// <param name="timestamp">The signing time; now when null.</param>
    public static SignedWebhook Create(IEnumerable<string> secrets, ReadOnlySpan<byte> body, string? messageId = null, DateTimeOffset? timestamp = null)
    {
        var keys = secrets.Select(ParseSigningKey).ToArray();
        if (keys.Length == 0)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }
        var id = messageId ?? "msg_" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.FromUnixTimeSeconds((timestamp ?? TimeProvider.System.GetUtcNow()).ToUnixTimeSeconds());
        var signature = WebhookSigner.SignAll(keys, id, at.ToUnixTimeSeconds(), body);
        return new SignedWebhook(id, at, signature, body.ToArray());
    }

    private static SigningSecret ParseSigningKey(string secret) =>
        SigningSecret.TryParse(secret, out var parsed)
            ? parsed
            : throw new FormatException(secret?.StartsWith(WebhookPublicKey.Prefix, StringComparison.Ordinal) == true
                ? "A whpk_ public key only verifies; sign with its whsk_ secret key."
                : "A signing secret is neither a whsec_ secret nor a whsk_ ed25519 secret key.");

    /// <summary>Signs the UTF-8 bytes of <paramref name="body"/> with one <c>whsec_…</c> secret or <c>whsk_…</c> secret key.</summary>
    /// <param name="secret">The sender's <c>whsec_…</c> secret or <c>whsk_…</c> ed25519 secret key.</param>
    /// <param name="body">The request body.</param>
    /// <param name="messageId">The <c>webhook-id</c>; a random <c>msg_…</c> id when null.</param>
    /// <param name="timestamp">The signing time; now when null.</param>
    public static SignedWebhook Create(string secret, string body, string? messageId = null, DateTimeOffset? timestamp = null) =>
        Create([secret], Encoding.UTF8.GetBytes(body), messageId, timestamp);

    /// <summary>Builds a Standard Webhooks payload <c>{"type","timestamp","data"}</c> and signs it.</summary>
    public static SignedWebhook ForEvent<TData>(string secret, string eventType, TData data, string? messageId = null, DateTimeOffset? timestamp = null)
    {
        var at = timestamp ?? TimeProvider.System.GetUtcNow();
        var payload = new Dictionary<string, object?>
        {
            ["type"] = eventType,
            ["timestamp"] = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, JsonSerializerOptions.Web);
        return Create([secret], body, messageId, at);
    }

    /// <summary>A POST to <paramref name="requestUri"/> carrying the signed body and headers.</summary>
    public HttpRequestMessage ToHttpRequest(Uri requestUri, bool svixNames = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, requestUri)
        {
            Content = new ByteArrayContent(Body.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in Headers(svixNames))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }
}
