namespace Herald.Client;

public sealed record AppPortalAccessIn
{
    /// <summary>How long the link works, in seconds (60 to 7 days; the server's default when null). Herald extension.</summary>
    public long? Expiry { get; init; }

    public IReadOnlyList<string>? FeatureFlags { get; init; }
}

/// <summary>A consumer portal link for one application, and the token inside it.</summary>
public sealed record AppPortalAccessOut(string Url, string Token);
