namespace Herald.Client;

/// <summary>What a consumer portal link allows.</summary>
public sealed record AppPortalAccessIn
{
    /// <summary>How long the link works, in seconds (60 to 7 days; the server's default when null). Herald extension.</summary>
    public long? Expiry { get; init; }

    /// <summary>The feature flags the portal user has: event types gated by one of these are shown too.</summary>
    public IReadOnlyList<string>? FeatureFlags { get; init; }
}

/// <summary>A consumer portal link for one application, and the token inside it.</summary>
public sealed record AppPortalAccessOut(string Url, string Token);
