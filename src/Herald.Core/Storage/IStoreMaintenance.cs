namespace Herald.Storage;

/// <summary>
/// Housekeeping run by the maintenance service: payload and idempotency expiry, message retention.
/// </summary>
public interface IStoreMaintenance
{
    /// <summary>
    /// Housekeeping: drops payloads whose retention has passed and idempotency records older than
    /// <paramref name="idempotencyBefore"/>. Returns how many rows changed.
    /// </summary>
    Task<int> ExpireAsync(DateTimeOffset now, DateTimeOffset idempotencyBefore, CancellationToken cancellationToken);
    /// <summary>
    /// Retention: deletes the oldest messages created before <paramref name="before"/>, at most
    /// <paramref name="maxMessages"/> of them, with all their deliveries (whatever their state) and attempts, in one
    /// transaction. Fewer messages than asked means none older is left. A result written later for a deleted delivery
    /// stores nothing.
    /// </summary>
    Task<RetentionBatch> DeleteMessagesBeforeAsync(DateTimeOffset before, int maxMessages, CancellationToken cancellationToken);
    /// <summary>
    /// Whether retention's deletes queue behind the one writer that ingest and result writes also wait for (SQLite),
    /// so that the maintenance round paces them; on PostgreSQL deletes lock only their own rows and run unpaced.
    /// </summary>
    bool DeletesShareTheWriter { get; }
}
