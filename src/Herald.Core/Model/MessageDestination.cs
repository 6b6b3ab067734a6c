namespace Herald.Model;

/// <summary>One message's delivery state at one endpoint.</summary>
public sealed record MessageDestination(Endpoint Endpoint, DeliveryStatus Status, DateTimeOffset? NextAttempt);

/// <summary>One endpoint's delivery state of one message.</summary>
public sealed record EndpointMessage(Message Message, DeliveryStatus Status, DateTimeOffset? NextAttempt);

public sealed record EndpointStats(long Success, long Pending, long Fail, long Sending);
