using Dapper;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    public virtual bool DeletesShareTheWriter => false;

    // A bookkeeping write: a delete lost to a power cut is simply done again by the next round.
    public Task<RetentionBatch> DeleteMessagesBeforeAsync(DateTimeOffset before, int maxMessages, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync(async (c, t) =>
        {
            // The oldest first, through ix_messages_created: each batch reads only the rows it deletes.
            var ids = (await c.QueryAsync<string>(Cmd(
                "SELECT id FROM messages WHERE created_at < @before ORDER BY created_at LIMIT @max",
                new { before = Time.Ms(before), max = maxMessages }, t, cancellationToken))).ToArray();
            if (ids.Length == 0)
            {
                return RetentionBatch.None;
            }
            var args = new { ids };
            long undelivered = await c.ExecuteScalarAsync<long>(Cmd(
                $"SELECT COUNT(*) FROM deliveries WHERE {InList("msg_id", "@ids")} AND status IN {StoredStatus.Queued}", args, t, cancellationToken));
            // Deliveries before attempts, as when an application is deleted: a result written meanwhile either
            // committed first (its attempt is deleted here) or finds its delivery gone and stores nothing.
            int deliveries = await c.ExecuteAsync(Cmd($"DELETE FROM deliveries WHERE {InList("msg_id", "@ids")}", args, t, cancellationToken));
            int attempts = await c.ExecuteAsync(Cmd($"DELETE FROM attempts WHERE {InList("msg_id", "@ids")}", args, t, cancellationToken));
            int messages = await c.ExecuteAsync(Cmd($"DELETE FROM messages WHERE {InList("id", "@ids")}", args, t, cancellationToken));
            return new RetentionBatch(messages, deliveries, attempts, (int)undelivered);
        }, cancellationToken);
}
