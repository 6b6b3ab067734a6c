using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage.Postgres;

// The delivery queue's statements where PostgreSQL does better than the shared ones: claims that skip rows other
// nodes hold, index-friendly order expressions, and result writes and releases over arrays in one round trip.
public sealed partial class PostgresStore
{
    protected override string ClaimLockClause => " FOR UPDATE SKIP LOCKED";

    protected override bool ClaimReadsMessagesApart => true;

    protected override string AppDueOrder => "(next_attempt_at + 0)";

    protected override string EndpointDueOrder => "(next_attempt_at + 0)";

    protected override string RowLockClause => " FOR UPDATE";

    // Statements that pick rows by id must not be tempted into the queue indexes: on tables whose statistics lag
    // behind a backlog (a fresh or quickly grown database) the planner estimates few due or sending rows and ANDs such
    // an index, which then holds every due row, with the primary key (a claim took 50-70 ms so). Neither expression
    // below is indexed (the queue indexes use next_attempt_at and next_attempt_at + 0), and status + 0 proves no
    // partial index's predicate, so only the key is left.
    protected override string QueuedAndDueOfRowsById => $"status + 0 IN {StoredStatus.Queued} AND (next_attempt_at - 0) <= @now";

    private static readonly string IsSending = $"d.status + 0 = {StoredStatus.Sending}";

    /// <summary>
    /// One round trip: a lateral subquery per endpoint, each locking its rows with SKIP LOCKED and reading them from
    /// ix_deliveries_endpoint_due (see PostgresSchema for why it is written with <c>next_attempt_at + 0</c>). Rows taken
    /// already are left out in the statement, so that no more rows are locked than can be used. Bitmap scans are off
    /// for the statement: with statistics that lag behind a backlog the planner ANDed ix_deliveries_app_first (whose
    /// predicate <c>attempts = 0</c> proves, and whose second column serves the due condition) with
    /// ix_deliveries_endpoint, or bitmap-scanned ix_deliveries_endpoint_due, and fetched and sorted every due row of
    /// each endpoint: 150–250 ms a claim instead of 1–3.
    /// </summary>
    protected override async Task<List<(long Id, string EndpointId)>> SelectDuePerEndpointAsync(
        DbConnection c, DbTransaction t, IReadOnlyList<string> endpoints, long now, int perEndpoint, IReadOnlySet<long> taken, bool retries, CancellationToken ct)
    {
        // Read in index order and stop at the limit: a bitmap scan would fetch and sort every due row of each endpoint,
        // and with statistics that lag behind a backlog the planner takes it for the cheaper plan. The settings and the
        // read go in one round trip.
        var rows = (await c.QueryAsync<(long, string)>(new CommandDefinition(
            $"""
            SET LOCAL enable_bitmapscan = off;
            SELECT d.id, e.endpoint_id FROM unnest(@endpoints) AS e(endpoint_id) CROSS JOIN LATERAL (
                SELECT id FROM deliveries WHERE endpoint_id = e.endpoint_id AND status IN {StoredStatus.Queued} AND attempts {(retries ? "> 0" : "= 0")} AND next_attempt_at + 0 <= @now
                  AND NOT (id = ANY(@taken)) AND {OrderedHeadCheck("deliveries")}
                ORDER BY next_attempt_at + 0 LIMIT @perEndpoint FOR UPDATE SKIP LOCKED) d;
            SET LOCAL enable_bitmapscan = on
            """, new { endpoints = endpoints.ToArray(), now, perEndpoint, taken = taken.ToArray() }, t, cancellationToken: ct))).AsList();
        return rows;
    }

    /// <summary>
    /// A whole batch of results in two statements, the rows passed as arrays. As in the shared path the deliveries
    /// are updated first (only where the lease token still matches), then the attempts inserted for deliveries that
    /// still exist; the key-share lock makes a concurrent application delete wait for this write or win outright.
    /// </summary>
    protected override async Task WriteResultRowsAsync(DbConnection c, DbTransaction t, IReadOnlyList<DeliveryResult> results, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE deliveries d SET status = v.status, attempts = v.attempts, next_attempt_at = v.next, trigger_type = 0, updated_at = v.now,
                ordering_held = CASE WHEN v.status = {StoredStatus.Fail} AND d.ordering_key IS NOT NULL
                                      AND EXISTS (SELECT 1 FROM endpoints e WHERE e.id = d.endpoint_id AND e.ordering_on_exhaustion = 1) THEN 1 ELSE 0 END
            FROM unnest(@ids::bigint[], @tokens::bigint[], @statuses::integer[], @attempts::integer[], @nexts::bigint[], @nows::bigint[])
                 AS v(id, token, status, attempts, next, now)
            WHERE d.id = v.id AND d.lease_token = v.token AND {IsSending}
            """, new
            {
                ids = results.Select(r => r.DeliveryId).ToArray(),
                tokens = results.Select(r => r.LeaseToken).ToArray(),
                statuses = results.Select(r => (int)r.NewStatus).ToArray(),
                attempts = results.Select(r => r.AttemptsMade).ToArray(),
                nexts = results.Select(r => r.NextAttemptAt?.ToUnixTimeMilliseconds()).ToArray(),
                nows = results.Select(r => r.Now.ToUnixTimeMilliseconds()).ToArray(),
            }, t, cancellationToken: ct));
        var attempts = results.Where(r => r.Attempt is not null).Select(r => (r.DeliveryId, Attempt: r.Attempt!)).ToList();
        if (attempts.Count == 0)
        {
            return;
        }
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO attempts (id, delivery_id, msg_id, app_id, endpoint_id, url, status, status_code, response, duration_ms, trigger_type, request_headers, created_at)
            SELECT v.* FROM unnest(@ids::text[], @deliveries::bigint[], @msgs::text[], @apps::text[], @endpoints::text[], @urls::text[], @statuses::integer[],
                                   @codes::integer[], @responses::text[], @durations::bigint[], @triggers::integer[], @headers::text[], @created::bigint[])
                            AS v(id, delivery_id, msg_id, app_id, endpoint_id, url, status, status_code, response, duration_ms, trigger_type, request_headers, created_at)
                 JOIN deliveries d ON d.id = v.delivery_id
            FOR KEY SHARE OF d
            """, new
            {
                ids = attempts.Select(x => x.Attempt.Id).ToArray(),
                deliveries = attempts.Select(x => x.DeliveryId).ToArray(),
                msgs = attempts.Select(x => x.Attempt.MsgId).ToArray(),
                apps = attempts.Select(x => x.Attempt.AppId).ToArray(),
                endpoints = attempts.Select(x => x.Attempt.EndpointId).ToArray(),
                urls = attempts.Select(x => x.Attempt.Url).ToArray(),
                statuses = attempts.Select(x => (int)x.Attempt.Status).ToArray(),
                codes = attempts.Select(x => x.Attempt.ResponseStatusCode).ToArray(),
                responses = attempts.Select(x => ResponseText.Clean(x.Attempt.Response)).ToArray(), // PostgreSQL's text holds no NUL
                durations = attempts.Select(x => x.Attempt.ResponseDurationMs).ToArray(),
                triggers = attempts.Select(x => (int)x.Attempt.TriggerType).ToArray(),
                headers = attempts.Select(x => x.Attempt.RequestHeadersJson).ToArray(),
                created = attempts.Select(x => x.Attempt.Timestamp.ToUnixTimeMilliseconds()).ToArray(),
            }, t, cancellationToken: ct));
    }

    /// <summary>Releases a whole batch in one statement.</summary>
    protected override Task<int> ReleaseRowsAsync(DbConnection c, DbTransaction t, IReadOnlyList<DueDelivery> deliveries, long dueAt, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE deliveries d SET status = {StoredStatus.Pending}, next_attempt_at = @dueAt
            FROM unnest(@ids::bigint[], @tokens::bigint[]) AS v(id, token)
            WHERE d.id = v.id AND d.lease_token = v.token AND {IsSending}
            """, new { dueAt, ids = deliveries.Select(d => d.DeliveryId).ToArray(), tokens = deliveries.Select(d => d.LeaseToken).ToArray() },
            t, cancellationToken: ct));
}
