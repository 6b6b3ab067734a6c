namespace Herald.Delivery.Sending;

/// <summary>Which custom endpoint headers are refused because Herald or HTTP itself owns them.</summary>
public static class WebhookHeaders
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "content-type", "content-encoding", "expect", "user-agent",
    };

    private static readonly string[] SensitiveHints = ["authorization", "cookie", "token", "secret", "key", "password", "signature"];

    /// <summary>Why a header name may not be set on an endpoint, or null when it may.</summary>
    public static string? Refusal(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 256 || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            return $"'{name}' is not a valid header name";
        }
        if (Reserved.Contains(name))
        {
            return $"'{name}' is a reserved HTTP header";
        }
        if (name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("svix-", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{name}' is a signature header set by Herald";
        }
        return null;
    }

    /// <summary>Header values that should not be shown back (recorded attempts, API output).</summary>
    public static bool IsSensitive(string name) =>
        SensitiveHints.Any(h => name.Contains(h, StringComparison.OrdinalIgnoreCase));
}
