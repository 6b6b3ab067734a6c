using Herald.Breakers;

namespace Herald.Model;

public sealed record Endpoint
{
    public required string Id { get; init; }
    public required string AppId { get; init; }
    public string? Uid { get; init; }
    public required string Url { get; init; }
    public string Description { get; init; } = "";
    public bool Disabled { get; init; }
    /// <summary>Why the endpoint was disabled by Herald (410 Gone, failing too long), or null.</summary>
    public string? DisabledReason { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public IReadOnlyList<string>? Channels { get; init; }
    public int? ThrottleRate { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public required string Secret { get; init; }
    /// <summary>Previous secrets still accepted until their expiry.</summary>
    public IReadOnlyList<RetiredSecret> RetiredSecrets { get; init; } = [];
    /// <summary>Start of the current run of consecutive failures, or null when the last attempt succeeded.</summary>
    public DateTimeOffset? FailingSince { get; init; }
    /// <summary>The circuit breaker, kept by the dispatcher's result writes; endpoint updates leave it alone.</summary>
    public EndpointBreaker Breaker { get; init; } = EndpointBreaker.Closed;
    /// <summary>Herald extension: whether (and per what key) messages are delivered one at a time in acceptance order.</summary>
    public OrderingMode Ordering { get; init; }
    /// <summary>Herald extension: what an ordered sequence does when its head has used up the retry schedule.</summary>
    public OrderingOnExhaustion OrderingOnExhaustion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether a message with this event type and these channels is delivered to the endpoint.</summary>
    public bool Accepts(string eventType, IReadOnlyList<string>? messageChannels)
    {
        if (EventTypes is { Count: > 0 } types && !types.Contains(eventType, StringComparer.Ordinal))
        {
            return false;
        }
        if (Channels is { Count: > 0 } channels)
        {
            return messageChannels is not null && messageChannels.Any(c => channels.Contains(c, StringComparer.Ordinal));
        }
        return true;
    }

    /// <summary>The current secret first, then every retired one still valid at <paramref name="now"/>.</summary>
    public IEnumerable<string> SigningSecrets(DateTimeOffset now)
    {
        yield return Secret;
        foreach (var retired in RetiredSecrets)
        {
            if (retired.ExpiresAt > now)
            {
                yield return retired.Secret;
            }
        }
    }
}

public sealed record RetiredSecret(string Secret, DateTimeOffset ExpiresAt);
