namespace Herald.Server.Portal;

/// <summary><c>Herald:Portal</c>: consumer portal links.</summary>
public sealed record PortalOptions
{
    /// <summary>How long a portal link works (1 hour by default).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The server's public base URL for links (e.g. https://webhooks.example.com); the request's own host when empty.</summary>
    public string? PublicUrl { get; init; }
}
