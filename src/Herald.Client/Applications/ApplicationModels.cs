namespace Herald.Client;

public sealed record ApplicationIn
{
    public required string Name { get; init; }

    /// <summary>Your own id for the application; every call takes it in place of Herald's <c>app_…</c> id.</summary>
    public string? Uid { get; init; }

    /// <summary>Messages per second delivered to each of its endpoints; null for no limit.</summary>
    public int? ThrottleRate { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

public sealed record ApplicationOut
{
    public string Id { get; init; } = "";
    public string? Uid { get; init; }
    public string Name { get; init; } = "";
    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
