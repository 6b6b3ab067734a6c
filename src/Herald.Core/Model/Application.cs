namespace Herald.Model;

public sealed record Application
{
    public required string Id { get; init; }
    public string? Uid { get; init; }
    public required string Name { get; init; }
    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
