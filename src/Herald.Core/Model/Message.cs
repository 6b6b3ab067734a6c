namespace Herald.Model;

public sealed record Message
{
    public required string Id { get; init; }
    public required string AppId { get; init; }
    public required string EventType { get; init; }
    public string? EventId { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }
    /// <summary>The payload exactly as accepted (raw JSON text); null once expunged.</summary>
    public string? Payload { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Herald extension: the sequence this message joins at endpoints ordered by key (not stored with the message).</summary>
    public string? OrderingKey { get; init; }
}
