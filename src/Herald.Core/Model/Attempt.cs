namespace Herald.Model;

public sealed record Attempt
{
    public required string Id { get; init; }
    public required string MsgId { get; init; }
    public required string AppId { get; init; }
    public required string EndpointId { get; init; }
    public required string Url { get; init; }
    public DeliveryStatus Status { get; init; }
    public int ResponseStatusCode { get; init; }
    public string Response { get; init; } = "";
    public long ResponseDurationMs { get; init; }
    public TriggerType TriggerType { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    /// <summary>The request headers sent (signature values included, secrets never), as JSON.</summary>
    public string? RequestHeadersJson { get; init; }
}
