using System.Data.Common;
using Dapper;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    public Task<QueueStats> GetQueueStatsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            // The count uses the partial index on due deliveries (pending and sending).
            long depth = await c.ExecuteScalarAsync<long>(Cmd(
                $"SELECT COUNT(*) FROM deliveries WHERE status IN {StoredStatus.Queued}", null, null, cancellationToken));
            var open = await OpenEndpointQueuesAsync(c, cancellationToken);
            long? oldest = await EarliestDueAsync(c, open, Time.Ms(now), cancellationToken);
            return new QueueStats(depth, Time.At(oldest)) { OpenBreakers = open.Count };
        }, cancellationToken);

    /// <summary>The endpoints whose circuit breaker is open, each with its probe time and its first queued delivery's due time.</summary>
    private static async Task<List<(string Id, long? ProbeAt, long? First)>> OpenEndpointQueuesAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<(string Id, long? ProbeAt, long? First)>(Cmd(
            $"""
            SELECT e.id, e.breaker_probe_at,
                   (SELECT MIN(d.next_attempt_at) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status IN {StoredStatus.Queued})
            FROM endpoints e WHERE e.breaker_state = 1
            """, null, null, ct))).AsList();

    /// <summary>
    /// The earliest due time among queued deliveries, where the deliveries of an endpoint whose circuit breaker is open
    /// (<paramref name="open"/>) count as due from its probe time: until then they wait for the probe, not for a
    /// dispatcher. With <paramref name="dueBy"/>, only what is due by then counts.
    /// </summary>
    private async Task<long?> EarliestDueAsync(DbConnection c, List<(string Id, long? ProbeAt, long? First)> open, long? dueBy, CancellationToken ct)
    {
        string due = dueBy is null ? "" : " AND next_attempt_at <= @dueBy";
        string notOpen = open.Count == 0 ? "" : $" AND NOT ({InList("endpoint_id", "@open")})";
        long? earliest = await c.ExecuteScalarAsync<long?>(Cmd(
            $"SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN {StoredStatus.Queued}{due}{notOpen}",
            new { dueBy, open = open.Select(o => o.Id).ToArray() }, null, ct));
        foreach (var (_, probeAt, first) in open)
        {
            if (first is not { } at)
            {
                continue;
            }
            at = Math.Max(at, probeAt ?? at);
            if (at <= (dueBy ?? long.MaxValue) && (earliest is null || at < earliest))
            {
                earliest = at;
            }
        }
        return earliest;
    }
}
