using System.Text.Json;

namespace Herald.Server.Api;

public sealed record EventTypeIn
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public bool Archived { get; init; }
    public bool Deprecated { get; init; }
    public string? FeatureFlag { get; init; }
    public JsonElement? Schemas { get; init; }
}

public sealed record EventTypeOut(
    string Name, string Description, bool Archived, bool Deprecated, string? FeatureFlag, JsonElement? Schemas,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
