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
    /// How long one retention batch should take. The maintenance round sizes its batches towards this time and
    /// pauses twice as long as each batch took, so retention gets about a third of the store's time. Short where
    /// deletes queue behind the one writer that ingest and result writes also wait for (SQLite), longer where they
    /// only compete for disk and WAL with concurrent writes (PostgreSQL).
    /// </summary>
    TimeSpan RetentionBatchTime { get; }
}
