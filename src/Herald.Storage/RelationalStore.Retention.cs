using Dapper;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    public virtual TimeSpan RetentionBatchTime => TimeSpan.FromMilliseconds(20);

    // The batch: the oldest messages, through ix_messages_created. Each statement names the batch by this subquery,
    // not by a list of ids, so that every statement has one short, fixed text and two parameters whatever the batch
    // size. The batch is the same set in every statement: messages are deleted last, and nothing creates messages
    // older than the cutoff (one node at a time runs retention, under the cluster lock).
    private const string RetentionBatchSql = "SELECT id FROM messages WHERE created_at < @before ORDER BY created_at LIMIT @max";

    // A background write: a delete lost to a power cut is simply done again by the next round, and it can wait
    // for a moment when nothing else is being written.
    public Task<RetentionBatch> DeleteMessagesBeforeAsync(DateTimeOffset before, int maxMessages, CancellationToken cancellationToken) =>
        WriteInBackgroundAsync(async (c, t) =>
        {
            var args = new { before = Time.Ms(before), max = maxMessages };
            long undelivered = await c.ExecuteScalarAsync<long>(Cmd(
                $"SELECT COUNT(*) FROM deliveries WHERE msg_id IN ({RetentionBatchSql}) AND status IN {StoredStatus.Queued}", args, t, cancellationToken));
            // Deliveries before attempts, as when an application is deleted: a result written meanwhile either
            // committed first (its attempt is deleted here) or finds its delivery gone and stores nothing.
            int deliveries = await c.ExecuteAsync(Cmd($"DELETE FROM deliveries WHERE msg_id IN ({RetentionBatchSql})", args, t, cancellationToken));
            int attempts = await c.ExecuteAsync(Cmd($"DELETE FROM attempts WHERE msg_id IN ({RetentionBatchSql})", args, t, cancellationToken));
            int messages = await c.ExecuteAsync(Cmd($"DELETE FROM messages WHERE id IN ({RetentionBatchSql})", args, t, cancellationToken));
            return messages == 0 ? RetentionBatch.None : new RetentionBatch(messages, deliveries, attempts, (int)undelivered);
        }, cancellationToken);
}
