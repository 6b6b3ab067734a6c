namespace Herald.Client;

/// <summary>An application to create or replace: the owner of endpoints and messages, usually one of your customers.</summary>
public sealed record ApplicationIn
{
    /// <summary>A name for people, e.g. the customer's; need not be unique.</summary>
    public required string Name { get; init; }

    /// <summary>Your own id for the application; every call takes it in place of Herald's <c>app_…</c> id.</summary>
    public string? Uid { get; init; }

    /// <summary>Messages per second delivered to each of its endpoints; null for no limit.</summary>
    public int? ThrottleRate { get; init; }

    /// <summary>Your own key-value pairs, stored and returned as given.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>An application as Herald stores it.</summary>
public sealed record ApplicationOut
{
    /// <summary>Herald's id, <c>app_…</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>Your own id for it, when it was given one.</summary>
    public string? Uid { get; init; }

    /// <summary>Its name for people.</summary>
    public string Name { get; init; } = "";

    /// <summary>Messages per second delivered to each of its endpoints; null for no limit.</summary>
    public int? ThrottleRate { get; init; }

    /// <summary>Your key-value pairs; empty when none were given.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
