using Herald.Model;

namespace Herald.Storage;

/// <summary>Cursor pagination: items after <see cref="Iterator"/> in the chosen order.</summary>
public sealed record PageRequest(int Limit, string? Iterator = null, bool Descending = false);

public sealed record Page<T>(IReadOnlyList<T> Data, string? Iterator, string? PrevIterator, bool Done);

public sealed record MessageQuery
{
    public required PageRequest Page { get; init; }
    public string? Channel { get; init; }
    public DateTimeOffset? Before { get; init; }
    public DateTimeOffset? After { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public DeliveryStatus? Status { get; init; }
    public bool WithContent { get; init; } = true;
}

public sealed record AttemptQuery
{
    public required PageRequest Page { get; init; }
    public string? MsgId { get; init; }
    public string? EndpointId { get; init; }
    public DeliveryStatus? Status { get; init; }
    /// <summary>0 for no response, or 100, 200, … 500 for that class of status code.</summary>
    public int? StatusCodeClass { get; init; }
    public string? Channel { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public DateTimeOffset? Before { get; init; }
    public DateTimeOffset? After { get; init; }
    public bool WithContent { get; init; } = true;
}

public sealed record StoredResponse(string RequestHash, int StatusCode, string Body, DateTimeOffset CreatedAt);
