namespace Herald.Server.Api;

public sealed record ApplicationIn
{
    public string? Name { get; init; }
    public string? Uid { get; init; }
    public int? ThrottleRate { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    /// <summary>Legacy name of <see cref="ThrottleRate"/>, still sent by Svix SDKs of the 1.x line; throttleRate wins when both are given.</summary>
    public int? RateLimit { get; init; }

    /// <summary>The input with the legacy name folded into the canonical one.</summary>
    internal ApplicationIn Canonical() => this with { ThrottleRate = ThrottleRate ?? RateLimit, RateLimit = null };
}

public sealed record ApplicationOut(
    string Id, string? Uid, string Name, int? ThrottleRate, IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ListResponse<T>(IReadOnlyList<T> Data, string? Iterator, string? PrevIterator, bool Done);
