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
}
