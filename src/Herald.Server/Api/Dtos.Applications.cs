namespace Herald.Server.Api;

public sealed record ApplicationIn
{
    public string? Name { get; init; }
    public string? Uid { get; init; }
    public int? ThrottleRate { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
}

public sealed record ApplicationOut(
    string Id, string? Uid, string Name, int? ThrottleRate, IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ListResponse<T>(IReadOnlyList<T> Data, string? Iterator, string? PrevIterator, bool Done);
