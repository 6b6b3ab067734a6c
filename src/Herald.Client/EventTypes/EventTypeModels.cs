using System.Text.Json;

namespace Herald.Client;

public sealed record EventTypeIn
{
    /// <summary>Letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, e.g. <c>payment.succeeded</c>; taken from the path on update.</summary>
    public string? Name { get; init; }
    public required string Description { get; init; }
    public bool Archived { get; init; }
    public bool Deprecated { get; init; }
    public string? FeatureFlag { get; init; }

    /// <summary>JSON Schemas by version, e.g. <c>{"1": {...}}</c>; the first <c>examples</c> entry is what "send example" sends.</summary>
    public JsonElement? Schemas { get; init; }
}

public sealed record EventTypeOut
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Archived { get; init; }
    public bool Deprecated { get; init; }
    public string? FeatureFlag { get; init; }
    public JsonElement? Schemas { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed record EventTypeListOptions : ListOptions
{
    public bool? IncludeArchived { get; init; }

    /// <summary>Include each type's schemas (left out by default).</summary>
    public bool? WithContent { get; init; }
}
