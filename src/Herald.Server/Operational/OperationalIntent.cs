using Herald.Model;

namespace Herald.Server.Operational;

/// <summary>Something that happened, queued for the publisher, which looks up the rest and writes the webhook.</summary>
internal abstract record OperationalIntent(string Type, DateTimeOffset At);

internal sealed record EndpointIntent(string Type, DateTimeOffset At, string AppId, string EndpointId, string? EndpointUid) : OperationalIntent(Type, At);

internal sealed record AttemptIntent(string Type, DateTimeOffset At, string AppId, string MsgId, string EndpointId, Attempt Attempt) : OperationalIntent(Type, At);

internal sealed record BreakerIntent(string Type, DateTimeOffset At, string AppId, string EndpointId, Breakers.EndpointBreaker Breaker) : OperationalIntent(Type, At);
