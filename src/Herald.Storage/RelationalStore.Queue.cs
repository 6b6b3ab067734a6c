using Dapper;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    public Task<QueueStats> GetQueueStatsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            // Both reads use the partial index on due deliveries (pending and sending).
            long depth = await c.ExecuteScalarAsync<long>(Cmd(
                $"SELECT COUNT(*) FROM deliveries WHERE status IN {StoredStatus.Queued}", null, null, cancellationToken));
            long? oldest = await c.ExecuteScalarAsync<long?>(Cmd(
                $"SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN {StoredStatus.Queued} AND next_attempt_at <= @now",
                new { now = Time.Ms(now) }, null, cancellationToken));
            long openBreakers = await c.ExecuteScalarAsync<long>(Cmd(
                "SELECT COUNT(*) FROM endpoints WHERE breaker_state = 1", null, null, cancellationToken));
            return new QueueStats(depth, Time.At(oldest)) { OpenBreakers = openBreakers };
        }, cancellationToken);
}
