using Herald.Retries;

namespace Herald.Delivery.Sending;

/// <summary>What one HTTP attempt produced.</summary>
public sealed record SendResult(
    AttemptOutcome Outcome,
    int StatusCode,
    string Response,
    TimeSpan Duration,
    DateTimeOffset StartedAt,
    string? RequestHeadersJson);
