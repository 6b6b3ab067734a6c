namespace Herald.Storage;

/// <summary>
/// The delivery queue at a moment: <see cref="Depth"/> deliveries waiting or being sent, and the due time of the
/// oldest one that is due and not held by a live lease (null when none is).
/// </summary>
public sealed record QueueStats(long Depth, DateTimeOffset? OldestDueAt);
