namespace Herald.Client;

/// <summary>The order of a list, by creation.</summary>
public enum ListOrder
{
    /// <summary>Oldest first.</summary>
    Ascending,

    /// <summary>Newest first.</summary>
    Descending,
}

/// <summary>How a list is read: the page size (the server's default 50, at most 250), where to start, and the order.</summary>
public record ListOptions
{
    /// <summary>Items fetched per request; the enumeration still goes on to the end.</summary>
    public int? Limit { get; init; }

    /// <summary>Start after this iterator (one the server returned earlier) instead of at the beginning.</summary>
    public string? Iterator { get; init; }

    /// <summary>The server's default when null: oldest first, except messages and attempts, newest first.</summary>
    public ListOrder? Order { get; init; }
}
