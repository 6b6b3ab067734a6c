namespace Herald.Model;

public sealed record EventType
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public bool Archived { get; init; }
    public bool Deprecated { get; init; }
    public string? FeatureFlag { get; init; }
    /// <summary>Raw JSON object of schemas keyed by version, or null.</summary>
    public string? SchemasJson { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
