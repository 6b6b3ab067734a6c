using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage;

// Ordered endpoints (docs/ordering.md). A delivery to an ordered endpoint carries its sequence's key and a number
// given in acceptance (commit) order. It is "unfinished" while pending or sending, or when it failed and holds its
// key (ordering_held). The rule every claim applies: a delivery with a key is claimable only when no unfinished
// delivery of the same endpoint and key has a lower number, and no other one of the key is being sent under a live
// lease. Because a predecessor stays unfinished while it waits for a retry or is leased to a node, at most one
// message of a key is ever out at a time, on any number of nodes. Successors are queued with no due time
// (next_attempt_at NULL), which keeps them out of every claim's index range; when their predecessor finishes they
// are made due in the same transaction (and a periodic sweep catches any a concurrent write left behind).
public abstract partial class RelationalStore
{
    /// <summary>How often a claim also sweeps for sequences whose next delivery was left without a due time.</summary>
    private static readonly TimeSpan OrderingSweepEvery = TimeSpan.FromSeconds(10);

    private long _nextOrderingSweep;

    /// <summary>The unfinished ordered deliveries, as written in the predicate of ix_deliveries_ordered (both stores match it textually).</summary>
    private const string Unfinished = "{0}.ordering_key IS NOT NULL AND ({0}.status IN " + StoredStatus.Queued + " OR {0}.ordering_held = 1)";

    private static string UnfinishedOf(string alias) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Unfinished, alias);

    /// <summary>
    /// SQL true when the delivery row <paramref name="alias"/> may be claimed as far as ordering goes (always, when
    /// it has no key). Uses the statement's <c>@now</c>.
    /// </summary>
    protected static string OrderedHeadCheck(string alias) =>
        $"""
        ({alias}.ordering_key IS NULL OR (
            NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = {alias}.endpoint_id AND p.ordering_key = {alias}.ordering_key
                        AND {UnfinishedOf("p")} AND p.ordering_seq < {alias}.ordering_seq)
            AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = {alias}.endpoint_id AND p.ordering_key = {alias}.ordering_key
                        AND p.ordering_key IS NOT NULL AND p.status = {StoredStatus.Sending} AND p.id <> {alias}.id AND p.next_attempt_at > @now)))
        """;

    /// <summary>SQL true when an unfinished delivery of endpoint <paramref name="endpoint"/> and key <paramref name="key"/> exists (a new one must queue behind it).</summary>
    protected internal static string KeyBusy(string endpoint, string key) =>
        $"EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = {endpoint} AND p.ordering_key = {key} AND {UnfinishedOf("p")})";

    /// <summary>
    /// Makes due the next queued delivery of each sequence whose delivery among <paramref name="finished"/> has
    /// finished (succeeded, or failed without holding its key). Returns how many were made due.
    /// </summary>
    private async Task<int> PromoteSuccessorsAsync(DbConnection c, DbTransaction t, long[] finished, long now, CancellationToken ct) =>
        await c.ExecuteAsync(Cmd(
            $"""
            UPDATE deliveries SET next_attempt_at = @now
            WHERE id IN (
                SELECT (SELECT w.id FROM deliveries w
                        WHERE w.endpoint_id = h.endpoint_id AND w.ordering_key = h.ordering_key AND {UnfinishedOf("w")} AND w.ordering_seq > h.ordering_seq
                        ORDER BY w.ordering_seq LIMIT 1)
                FROM deliveries h WHERE {InList("h.id", "@finished")} AND h.ordering_key IS NOT NULL AND h.status IN {StoredStatus.Finished} AND h.ordering_held = 0)
              AND status = {StoredStatus.Pending} AND next_attempt_at IS NULL
            """, new { finished, now }, t, ct));

    /// <summary>
    /// Makes due the head of every sequence whose head waits without a due time: a safety net for sequences whose
    /// predecessor finished by a path that does not promote (a concurrent message write, a deleted message, an
    /// operator's skip). One scan of ix_deliveries_ordered (the unfinished ordered deliveries), then one probe per key.
    /// </summary>
    private async Task<int> PromoteStalledAsync(DbConnection c, DbTransaction t, string? endpointId, long now, CancellationToken ct) =>
        await c.ExecuteAsync(Cmd(
            $"""
            UPDATE deliveries SET next_attempt_at = @now
            WHERE id IN (
                SELECT d.id FROM (SELECT h.endpoint_id, h.ordering_key, MIN(h.ordering_seq) AS seq FROM deliveries h
                                  WHERE {UnfinishedOf("h")} AND (@endpointId IS NULL OR h.endpoint_id = @endpointId)
                                  GROUP BY h.endpoint_id, h.ordering_key) heads
                JOIN deliveries d ON d.endpoint_id = heads.endpoint_id AND d.ordering_key = heads.ordering_key AND d.ordering_seq = heads.seq
                WHERE {UnfinishedOf("d")} AND d.status = {StoredStatus.Pending} AND d.next_attempt_at IS NULL)
            """, new { endpointId, now }, t, ct));

    /// <summary>Runs <see cref="PromoteStalledAsync"/> inside a claim when it is due (at the first claim, then every few seconds).</summary>
    private async Task SweepOrderingIfDueAsync(DbConnection c, DbTransaction t, DateTimeOffset now, CancellationToken ct)
    {
        long ms = Time.Ms(now);
        if (ms < Interlocked.Read(ref _nextOrderingSweep))
        {
            return;
        }
        Interlocked.Exchange(ref _nextOrderingSweep, ms + (long)OrderingSweepEvery.TotalMilliseconds);
        await PromoteStalledAsync(c, t, null, ms, ct);
    }

    /// <summary>Promotes the successors of the finished ordered deliveries among <paramref name="results"/>; true when any became due.</summary>
    private async Task<bool> AfterOrderedResultsAsync(DbConnection c, DbTransaction t, IReadOnlyList<DeliveryResult> results, CancellationToken ct)
    {
        var finished = results.Where(r => r.Ordered && r.NewStatus != DeliveryStatus.Pending).Select(r => r.DeliveryId).ToArray();
        if (finished.Length == 0)
        {
            return false;
        }
        long now = Time.Ms(results.Max(r => r.Now));
        return await PromoteSuccessorsAsync(c, t, finished, now, ct) > 0;
    }

    public Task<IReadOnlyList<OrderingBlock>> ListOrderingBlocksAsync(string appId, string endpointId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<OrderingBlock>>(async c =>
        {
            var rows = await c.QueryAsync<BlockRow>(Cmd(
                $"""
                SELECT h.ordering_key, h.msg_id, h.status, h.ordering_held, h.attempts, h.next_attempt_at,
                       (SELECT COUNT(*) FROM deliveries w WHERE w.endpoint_id = h.endpoint_id AND w.ordering_key = h.ordering_key
                                                         AND {UnfinishedOf("w")} AND w.ordering_seq > h.ordering_seq) AS waiting,
                       (SELECT a.response FROM attempts a WHERE a.msg_id = h.msg_id AND a.endpoint_id = h.endpoint_id ORDER BY a.id DESC LIMIT 1) AS last_response
                FROM deliveries h
                WHERE h.app_id = @appId AND h.endpoint_id = @endpointId AND {UnfinishedOf("h")} AND (h.attempts > 0 OR h.ordering_held = 1)
                  AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.endpoint_id = h.endpoint_id AND p.ordering_key = h.ordering_key
                                  AND {UnfinishedOf("p")} AND p.ordering_seq < h.ordering_seq)
                ORDER BY h.ordering_seq LIMIT @limit
                """, new { appId, endpointId, limit }, null, cancellationToken));
            return rows.Select(r => new OrderingBlock(r.ordering_key, r.msg_id, (DeliveryStatus)r.status, r.ordering_held != 0, (int)r.attempts,
                r.ordering_held != 0 ? null : Time.At(r.next_attempt_at), r.waiting, r.last_response)).ToList();
        }, cancellationToken);

    public Task<int> SkipHeldAsync(string appId, string endpointId, string? key, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            int skipped = await c.ExecuteAsync(Cmd(
                "UPDATE deliveries SET ordering_held = 0, updated_at = @now WHERE app_id = @appId AND endpoint_id = @endpointId AND ordering_held = 1 AND (@key IS NULL OR ordering_key = @key)",
                new { appId, endpointId, key, now = Time.Ms(now) }, t, cancellationToken));
            if (skipped > 0 && await PromoteStalledAsync(c, t, endpointId, Time.Ms(now), cancellationToken) > 0)
            {
                await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            }
            return skipped;
        }, cancellationToken);

    private sealed class BlockRow
    {
        public string ordering_key { get; set; } = "";
        public string msg_id { get; set; } = "";
        public long status { get; set; }
        public long ordering_held { get; set; }
        public long attempts { get; set; }
        public long? next_attempt_at { get; set; }
        public long waiting { get; set; }
        public string? last_response { get; set; }
    }
}
