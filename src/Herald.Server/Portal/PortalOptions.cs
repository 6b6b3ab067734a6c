namespace Herald.Server.Portal;

/// <summary><c>Herald:Portal</c>: consumer portal links.</summary>
public sealed record PortalOptions
{
    /// <summary>How long a portal link works (1 hour by default).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Older name of <c>Herald:PublicUrl</c>, used when that is not set.</summary>
    public string? PublicUrl { get; init; }
}
