using System.Data.Common;
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
            long? oldest = await EarliestDueAsync(c, Time.Ms(now), cancellationToken);
            long openBreakers = await c.ExecuteScalarAsync<long>(Cmd(
                "SELECT COUNT(*) FROM endpoints WHERE breaker_state = 1", null, null, cancellationToken));
            return new QueueStats(depth, Time.At(oldest)) { OpenBreakers = openBreakers };
        }, cancellationToken);

    /// <summary>
    /// The earliest due time among queued deliveries, where the deliveries of an endpoint whose circuit breaker is open
    /// count as due from its probe time: until then they wait for the probe, not for a dispatcher. With
    /// <paramref name="dueBy"/>, only what is due by then counts.
    /// </summary>
    private async Task<long?> EarliestDueAsync(DbConnection c, long? dueBy, CancellationToken ct)
    {
        string due = dueBy is null ? "" : " AND next_attempt_at <= @dueBy";
        var open = (await c.QueryAsync<(string Id, long? ProbeAt, long? First)>(Cmd(
            $"""
            SELECT e.id, e.breaker_probe_at,
                   (SELECT MIN(d.next_attempt_at) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status IN {StoredStatus.Queued})
            FROM endpoints e WHERE e.breaker_state = 1
            """, null, null, ct))).AsList();
        long? earliest = open.Count == 0
            ? await c.ExecuteScalarAsync<long?>(Cmd(
                $"SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN {StoredStatus.Queued}{due}", new { dueBy }, null, ct))
            : await c.ExecuteScalarAsync<long?>(Cmd(
                $"SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN {StoredStatus.Queued}{due} AND NOT ({InList("endpoint_id", "@open")})",
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
