using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    /// <summary>Appended to the claim's inner SELECT; PostgreSQL adds <c>FOR UPDATE SKIP LOCKED</c>.</summary>
    protected virtual string ClaimLockClause => "";

    public Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, IReadOnlyCollection<string> excludedEndpoints, CancellationToken cancellationToken) =>
        ClaimDueAsync(now, lease, max, excludedEndpoints.Count == 0 ? ClaimLimits.None : new ClaimLimits { ExcludedEndpoints = excludedEndpoints }, cancellationToken);

    /// <summary>
    /// Whether a claim reads its deliveries' messages in a statement of their own, by primary key. Joined to the
    /// claimed deliveries, PostgreSQL planned a hash join over a sequential scan of every message until its statistics
    /// caught up with a growing table; SQLite looks each message up by primary key either way, so it reads them joined,
    /// one statement fewer per claim.
    /// </summary>
    protected virtual bool ClaimReadsMessagesApart => false;

    public Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, ClaimLimits limits, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync<IReadOnlyList<DueDelivery>>(async (c, t) =>
        {
            await SweepOrderingIfDueAsync(c, t, now, cancellationToken);
            var ids = await ClaimFairlyAsync(c, t, now, now + lease, max, limits, cancellationToken);
            if (ids.Count == 0)
            {
                return [];
            }
            var rows = (await c.QueryAsync<DueRow>(Cmd(
                $"""
                SELECT d.id, d.msg_id, d.app_id, d.endpoint_id, d.attempts, d.lease_token, d.trigger_type,
                       e.url, e.disabled, e.secret, e.retired_secrets, e.headers, COALESCE(e.throttle_rate, a.throttle_rate) AS throttle_rate,
                       e.breaker_state, d.ordering_key{(ClaimReadsMessagesApart ? "" : ", m.event_type, m.payload")}
                FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
                     LEFT JOIN applications a ON a.id = d.app_id{(ClaimReadsMessagesApart ? "" : " JOIN messages m ON m.id = d.msg_id")}
                WHERE {InList("d.id", "@ids")}
                ORDER BY d.id
                """, new { ids }, t, cancellationToken))).AsList();
            if (ClaimReadsMessagesApart)
            {
                await AttachMessagesAsync(c, t, rows, cancellationToken);
            }
            return rows.Select(r => ToDue(r, now, now + lease)).ToList();
        }, cancellationToken);

    /// <summary>
    /// The ids (with their endpoint) of the oldest due first attempts (or retries) of each endpoint besides those <paramref name="taken"/>
    /// already, at least <paramref name="perEndpoint"/> each where there are as many, locked for the claim. This one
    /// reads as many more per endpoint as are taken already and leaves the filtering to the caller.
    /// </summary>
    protected virtual async Task<List<(long Id, string EndpointId)>> SelectDuePerEndpointAsync(
        DbConnection c, DbTransaction t, IReadOnlyList<string> endpoints, long now, int perEndpoint, IReadOnlySet<long> taken, bool retries, CancellationToken ct)
    {
        perEndpoint += taken.Count;
        var ids = new List<long>();
        var rows = new List<(long, string)>();
        using var select = _statements.Create(c, t,
            $"""
            SELECT id FROM deliveries WHERE endpoint_id = @endpoint AND status IN {StoredStatus.Queued} AND attempts {(retries ? "> 0" : "= 0")} AND next_attempt_at <= @now
              AND {OrderedHeadCheck("deliveries")}
            ORDER BY next_attempt_at LIMIT @take{ClaimLockClause}
            """, "endpoint", "now", "take");
        foreach (var endpoint in endpoints)
        {
            int before = ids.Count;
            await select.ReadLongsAsync(ids, ct, endpoint, now, perEndpoint);
            for (int i = before; i < ids.Count; i++)
            {
                rows.Add((ids[i], endpoint));
            }
        }
        return rows;
    }

    public Task<DateTimeOffset?> NextDueAtAsync(DateTimeOffset from, CancellationToken cancellationToken) =>
        ReadAsync(async c => Time.At(await EarliestDueAsync(c, await OpenEndpointQueuesAsync(c, cancellationToken), Time.Ms(from), null, cancellationToken)), cancellationToken);

    public Task<RecordedResults> RecordResultsAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync(async (c, t) =>
        {
            await WriteResultRowsAsync(c, t, results, cancellationToken);
            if (await AfterOrderedResultsAsync(c, t, results, cancellationToken))
            {
                await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            }
            List<string>? disabled = null;
            List<Breakers.BreakerUpdate>? breakers = null;
            foreach (var group in results.Where(r => r.Attempt is not null && r.Health != EndpointHealth.Untouched).GroupBy(r => r.Attempt!.EndpointId)
                         .OrderBy(g => g.Key, StringComparer.Ordinal)) // one lock order across nodes: no deadlocks
            {
                var (wasDisabled, breaker) = await UpdateEndpointHealthAsync(c, t, group.Key, group.ToList(), cancellationToken);
                if (wasDisabled)
                {
                    EndpointsChanged();
                    (disabled ??= []).Add(group.Key);
                }
                if (breaker is not null)
                {
                    (breakers ??= []).Add(breaker);
                }
            }
            return disabled is null && breakers is null ? RecordedResults.None : new RecordedResults(disabled ?? [], breakers ?? []);
        }, cancellationToken);

    /// <summary>
    /// Stores each result's delivery state, only while the delivery is still held under the result's lease token,
    /// then its attempt (when one was made), only while the delivery exists: a stale node's request is recorded, a
    /// deleted application's is not. The deliveries go first so that a concurrent delete (which removes deliveries
    /// before attempts) either waits for this write or makes it find nothing.
    /// </summary>
    protected virtual async Task WriteResultRowsAsync(DbConnection c, DbTransaction t, IReadOnlyList<DeliveryResult> results, CancellationToken ct)
    {
        // Two statements per result, prepared once and re-run with new values.
        using (var update = _statements.Create(c, t,
            $"""
            UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, trigger_type = 0, updated_at = @now,
                ordering_held = CASE WHEN @status = {StoredStatus.Fail} AND ordering_key IS NOT NULL
                                      AND EXISTS (SELECT 1 FROM endpoints e WHERE e.id = deliveries.endpoint_id AND e.ordering_on_exhaustion = 1) THEN 1 ELSE 0 END
            WHERE id = @id AND lease_token = @token AND status = {StoredStatus.Sending}
            """, "status", "attempts", "next", "now", "id", "token"))
        {
            foreach (var r in results)
            {
                await update.RunAsync(ct, (int)r.NewStatus, r.AttemptsMade, Time.Ms(r.NextAttemptAt), Time.Ms(r.Now), r.DeliveryId, r.LeaseToken);
            }
        }
        using var insert = _statements.Create(c, t,
            """
            INSERT INTO attempts (id, delivery_id, msg_id, app_id, endpoint_id, url, status, status_code, response, duration_ms, trigger_type, request_headers, created_at)
            SELECT @id, @delivery, @msg, @app, @endpoint, @url, @status, @code, @response, @duration, @trigger, @headers, @created
            WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = @delivery)
            """, "id", "delivery", "msg", "app", "endpoint", "url", "status", "code", "response", "duration", "trigger", "headers", "created");
        foreach (var r in results)
        {
            if (r.Attempt is { } a)
            {
                await insert.RunAsync(ct, a.Id, r.DeliveryId, a.MsgId, a.AppId, a.EndpointId, a.Url, (int)a.Status, a.ResponseStatusCode,
                    ResponseText.Clean(a.Response), a.ResponseDurationMs, (int)a.TriggerType, a.RequestHeadersJson, Time.Ms(a.Timestamp));
            }
        }
    }

    public Task ReleaseAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        deliveries.Count == 0 ? Task.CompletedTask : WriteBookkeepingAsync(async (c, t) =>
        {
            int released = await ReleaseRowsAsync(c, t, deliveries, Time.Ms(dueAt), cancellationToken);
            if (released > 0)
            {
                await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            }
            return released;
        }, cancellationToken);

    /// <summary>Makes the deliveries pending and due at <paramref name="dueAt"/> where each is still held under its lease token.</summary>
    protected virtual async Task<int> ReleaseRowsAsync(DbConnection c, DbTransaction t, IReadOnlyList<DueDelivery> deliveries, long dueAt, CancellationToken ct)
    {
        using var release = _statements.Create(c, t,
            $"UPDATE deliveries SET status = {StoredStatus.Pending}, next_attempt_at = @due WHERE id = @id AND lease_token = @token AND status = {StoredStatus.Sending}", "due", "id", "token");
        int released = 0;
        foreach (var d in deliveries)
        {
            released += await release.RunAsync(ct, dueAt, d.DeliveryId, d.LeaseToken);
        }
        return released;
    }

    /// <summary>
    /// Fills in each claimed delivery's event type and payload, read once per message (a message fanned out to many
    /// endpoints is claimed many times over), and drops a delivery whose message is gone. A statement of its own, by
    /// primary key: joined to the claimed rows, PostgreSQL may plan a hash join that reads the whole messages table on
    /// every claim.
    /// </summary>
    private async Task AttachMessagesAsync(DbConnection c, DbTransaction t, List<DueRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.msg_id).Distinct(StringComparer.Ordinal).ToArray();
        var messages = new Dictionary<string, ClaimedMessage>(ids.Length, StringComparer.Ordinal);
        foreach (var m in await c.QueryAsync<ClaimedMessage>(Cmd($"SELECT id, event_type, payload FROM messages WHERE {InList("id", "@ids")}", new { ids }, t, ct)))
        {
            messages[m.id] = m;
        }
        foreach (var row in rows)
        {
            if (messages.TryGetValue(row.msg_id, out var message))
            {
                (row.event_type, row.payload) = (message.event_type, message.payload);
            }
        }
        rows.RemoveAll(r => r.event_type is null); // a message's event type is never null
    }

    private static DueDelivery ToDue(DueRow r, DateTimeOffset now, DateTimeOffset leaseUntil)
    {
        var retired = StoreJson.ReadSecrets(r.retired_secrets);
        var secrets = new List<string>(1 + retired.Length) { r.secret };
        secrets.AddRange(retired.Where(s => s.ExpiresAt > now).Select(s => s.Secret));
        return new DueDelivery
        {
            DeliveryId = r.id, MsgId = r.msg_id, AppId = r.app_id, EndpointId = r.endpoint_id, AttemptsMade = (int)r.attempts,
            Trigger = (TriggerType)r.trigger_type, EventType = r.event_type!, Payload = r.payload ?? "{}", Url = r.url,
            EndpointDisabled = r.disabled != 0, Secrets = secrets, Headers = StoreJson.ReadMap(r.headers), LeaseUntil = leaseUntil, LeaseToken = r.lease_token,
            ThrottleRate = (int?)r.throttle_rate, BreakerOpen = r.breaker_state != 0, OrderingKey = r.ordering_key,
        };
    }
}
