using Microsoft.AspNetCore.Http;

namespace Herald.Receiver.Verification;

/// <summary>The three signed headers, read from <c>webhook-*</c> or, failing that, the older <c>svix-*</c> names.</summary>
internal readonly record struct WebhookHeaders(string? Id, string? Timestamp, string? Signature)
{
    public static WebhookHeaders From(IHeaderDictionary headers) => new(
        Read(headers, "webhook-id", "svix-id"),
        Read(headers, "webhook-timestamp", "svix-timestamp"),
        Read(headers, "webhook-signature", "svix-signature"));

    private static string? Read(IHeaderDictionary headers, string name, string legacyName)
    {
        string? value = headers[name];
        return string.IsNullOrEmpty(value) ? headers[legacyName] : value;
    }
}
