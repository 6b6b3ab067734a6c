namespace Herald.Storage.Queue;

/// <summary>
/// The delivery queue at a moment: <see cref="Depth"/> deliveries waiting or being sent, and the due time of the
/// oldest one that is due and not held by a live lease (null when none is; the deliveries of an endpoint whose
/// circuit breaker is open count as due from its probe time), and <see cref="OpenBreakers"/> endpoints
/// whose circuit breaker is open.
/// </summary>
public sealed record QueueStats(long Depth, DateTimeOffset? OldestDueAt)
{
    public long OpenBreakers { get; init; }
}
