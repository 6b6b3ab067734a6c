using System.Text.Json;

namespace Herald.Client;

/// <summary>An event type to create or replace: a kind of message, shown to endpoint owners with its schema.</summary>
public sealed record EventTypeIn
{
    /// <summary>Letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, e.g. <c>payment.succeeded</c>; taken from the path on update.</summary>
    public string? Name { get; init; }

    /// <summary>What the event means, for the people who subscribe to it.</summary>
    public required string Description { get; init; }

    /// <summary>Hidden from lists unless asked for; messages of the type are still accepted.</summary>
    public bool Archived { get; init; }

    /// <summary>Marked as on its way out, for subscribers to move away from.</summary>
    public bool Deprecated { get; init; }

    /// <summary>A feature flag that gates the type, stored and returned as given.</summary>
    public string? FeatureFlag { get; init; }

    /// <summary>JSON Schemas by version, e.g. <c>{"1": {...}}</c>; the first <c>examples</c> entry is what "send example" sends.</summary>
    public JsonElement? Schemas { get; init; }
}

/// <summary>An event type as Herald stores it.</summary>
public sealed record EventTypeOut
{
    /// <summary>The type's name, e.g. <c>payment.succeeded</c>; its id.</summary>
    public string Name { get; init; } = "";

    /// <summary>What the event means.</summary>
    public string Description { get; init; } = "";

    /// <summary>Whether it is archived (left out of lists unless asked for).</summary>
    public bool Archived { get; init; }

    /// <summary>Whether it is deprecated.</summary>
    public bool Deprecated { get; init; }

    /// <summary>The feature flag that gates it, if any.</summary>
    public string? FeatureFlag { get; init; }

    /// <summary>JSON Schemas by version; null when none were given or the list was read without content.</summary>
    public JsonElement? Schemas { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>How the list of event types is read.</summary>
public sealed record EventTypeListOptions : ListOptions
{
    /// <summary>Include archived types (left out by default).</summary>
    public bool? IncludeArchived { get; init; }

    /// <summary>Include each type's schemas (left out by default).</summary>
    public bool? WithContent { get; init; }
}
