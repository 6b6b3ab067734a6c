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
            long? oldest = await EarliestDueAsync(c, open, null, Time.Ms(now), cancellationToken);
            return new QueueStats(depth, Time.At(oldest)) { OpenBreakers = open.Count };
        }, cancellationToken);

    /// <summary>The endpoints whose circuit breaker is open, each with its probe time and its first queued delivery's due time.</summary>
    /// <remarks>
    /// The first due time is read in the per-endpoint queue index's own order, one seek however long the endpoint's
    /// backlog: PostgreSQL's planner could otherwise aggregate every queued row of the endpoint.
    /// </remarks>
    private async Task<List<(string Id, long? ProbeAt, long? First)>> OpenEndpointQueuesAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<(string Id, long? ProbeAt, long? First)>(Cmd(
            $"""
            SELECT e.id, e.breaker_probe_at,
                   (SELECT MIN({EndpointDueOrder}) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status IN {StoredStatus.Queued})
            FROM endpoints e WHERE e.breaker_state = 1
            """, null, null, ct))).AsList();

    /// <summary>How many rows from the front of the due order a search for the earliest delivery of an endpoint that is not open reads before it goes endpoint by endpoint.</summary>
    private const int EarliestWalk = 256;

    /// <summary>
    /// The earliest due time among queued deliveries, where the deliveries of an endpoint whose circuit breaker is open
    /// (<paramref name="open"/>) count as due from its probe time: until then they wait for the probe, not for a
    /// dispatcher. Only what is due from <paramref name="dueFrom"/> and by <paramref name="dueBy"/> counts, each when given.
    /// The cost does not grow with an open endpoint's backlog: the statement reads a few rows from the front of the due
    /// order, and only when all of them are open endpoints' goes to the other endpoints' queues, one seek each. The
    /// dispatcher passes its clock as <paramref name="dueFrom"/>, so what is due already is not read at all.
    /// </summary>
    private async Task<long?> EarliestDueAsync(DbConnection c, List<(string Id, long? ProbeAt, long? First)> open, long? dueFrom, long? dueBy, CancellationToken ct)
    {
        string Range(string order) => (dueFrom is null ? "" : $" AND {order} >= @dueFrom") + (dueBy is null ? "" : $" AND {order} <= @dueBy");
        string front = $"SELECT next_attempt_at, endpoint_id FROM deliveries WHERE status IN {StoredStatus.Queued}{Range("next_attempt_at")} ORDER BY next_attempt_at";
        var args = new { dueFrom, dueBy, open = open.Select(o => o.Id).ToArray(), walk = EarliestWalk };
        long? earliest;
        if (open.Count == 0)
        {
            earliest = await c.ExecuteScalarAsync<long?>(Cmd($"SELECT next_attempt_at FROM ({front} LIMIT 1) w", args, null, ct));
        }
        else
        {
            // The window is a subquery with its own LIMIT: it is read only as far as the first row that is not open.
            earliest = await c.ExecuteScalarAsync<long?>(Cmd(
                $"SELECT next_attempt_at FROM ({front} LIMIT @walk) w WHERE NOT ({InList("endpoint_id", "@open")}) LIMIT 1", args, null, ct));
            if (earliest is null
                && await c.ExecuteScalarAsync<long>(Cmd($"SELECT COUNT(*) FROM ({front} LIMIT @walk) w", args, null, ct)) == EarliestWalk)
            {
                earliest = await c.ExecuteScalarAsync<long?>(Cmd(
                    $"""
                    SELECT MIN((SELECT next_attempt_at FROM deliveries d WHERE d.endpoint_id = e.id AND d.status IN {StoredStatus.Queued}{Range(EndpointDueOrder)}
                                ORDER BY {EndpointDueOrder} LIMIT 1))
                    FROM endpoints e WHERE NOT ({InList("e.id", "@open")})
                    """, args, null, ct));
            }
        }
        foreach (var (_, probeAt, first) in open)
        {
            if (first is not { } at)
            {
                continue;
            }
            at = Math.Max(at, probeAt ?? at);
            if (at >= (dueFrom ?? long.MinValue) && at <= (dueBy ?? long.MaxValue) && (earliest is null || at < earliest))
            {
                earliest = at;
            }
        }
        return earliest;
    }
}
