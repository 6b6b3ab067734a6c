using System.Data.Common;
using Dapper;
using Herald.Breakers;

namespace Herald.Storage;

// Endpoint health kept by the result writes: the failure run that disables an endpoint after DisableAfterFailingFor,
// and the circuit breaker. Both live on the endpoint row, written in the results' transaction, so every node shares them.
public abstract partial class RelationalStore
{
    private const string GoneReason = "The endpoint answered 410 Gone.";
    private const string FailingReason = "Every attempt failed for longer than the allowed failure period.";

    /// <summary>Appended to the read of an endpoint's health before it is rewritten; PostgreSQL adds <c>FOR UPDATE</c>.</summary>
    protected virtual string RowLockClause => "";

    /// <summary>
    /// Applies one endpoint's results, in order, to its failure run and breaker, and writes what changed. Returns whether
    /// this disabled the endpoint, and the breaker when it is open or was just closed.
    /// </summary>
    private async Task<(bool Disabled, BreakerUpdate? Breaker)> UpdateEndpointHealthAsync(
        DbConnection c, DbTransaction t, string endpointId, List<DeliveryResult> results, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<HealthRow>(Cmd(
            $"SELECT disabled, failing_since, breaker_state, breaker_failures, breaker_opened_at, breaker_probe_at, breaker_probes FROM endpoints WHERE id = @endpointId{RowLockClause}",
            new { endpointId }, t, ct));
        if (row is null)
        {
            return (false, null); // deleted meanwhile
        }
        var last = results[^1];
        var policy = results.Select(r => r.Breaker).LastOrDefault(p => p is not null);
        var before = Breaker(row);
        var after = before;
        long? failingSince = row.failing_since;
        bool gone = false;
        bool probeFailed = false;
        foreach (var r in results)
        {
            switch (r.Health)
            {
                case EndpointHealth.Succeeded:
                    failingSince = null;
                    after = after.Open ? after with { Open = false, ConsecutiveFailures = 0, NextProbeAt = null, FailedProbes = 0 } : after with { ConsecutiveFailures = 0 };
                    break;
                case EndpointHealth.Failed:
                    failingSince ??= Time.Ms(r.Now);
                    after = after with { ConsecutiveFailures = after.ConsecutiveFailures + 1 };
                    if (!after.Open && policy is not null && after.ConsecutiveFailures >= policy.FailureThreshold)
                    {
                        after = after with { Open = true, OpenedAt = r.Now, NextProbeAt = r.Now + policy.OpenInterval, FailedProbes = 0 };
                    }
                    else if (after.Open && r.Probe && policy is not null)
                    {
                        int failed = after.FailedProbes + 1;
                        after = after with { FailedProbes = failed, NextProbeAt = r.Now + policy.IntervalAfter(failed) };
                        probeFailed = true;
                    }
                    break;
                case EndpointHealth.Gone:
                    gone = true;
                    break;
            }
        }
        if (!after.Open && !before.Open)
        {
            after = after with { OpenedAt = null };
        }
        if (failingSince != row.failing_since || after != before)
        {
            await c.ExecuteAsync(Cmd(
                """
                UPDATE endpoints SET failing_since = @failingSince, breaker_state = @state, breaker_failures = @failures,
                  breaker_opened_at = @openedAt, breaker_probe_at = @probeAt, breaker_probes = @probes
                WHERE id = @endpointId
                """, new
                {
                    endpointId, failingSince, state = after.Open ? 1 : 0, failures = after.ConsecutiveFailures,
                    openedAt = after.Open ? Time.Ms(after.OpenedAt) : null, probeAt = Time.Ms(after.NextProbeAt), probes = after.FailedProbes,
                }, t, ct));
        }
        bool opened = after.Open && !before.Open;
        bool closed = before.Open && !after.Open;
        bool retriesBeforeProbe = after.Open && results.Exists(r => r.NewStatus == Model.DeliveryStatus.Pending && r.NextAttemptAt < after.NextProbeAt);
        bool moreToHold = false;
        if (opened || (after.Open && probeFailed) || retriesBeforeProbe)
        {
            // Held back until the probe: not attempted, no retry used up. Retries of attempts that were in flight as
            // it opened are held back too.
            moreToHold = await HoldForProbeAsync(c, t, endpointId, Time.Ms(after.NextProbeAt)!.Value,
                policy is null ? null : Time.Ms(last.Now + policy.MaxOpenInterval), ct);
        }
        if (closed)
        {
            // Recovered: everything held back and every waiting retry goes out now.
            int due = await c.ExecuteAsync(Cmd(
                $"UPDATE deliveries SET next_attempt_at = @now WHERE endpoint_id = @endpointId AND status = {StoredStatus.Pending} AND next_attempt_at > @now",
                new { endpointId, now = Time.Ms(last.Now) }, t, ct));
            if (due > 0)
            {
                await AfterDeliveriesQueuedAsync(c, t, ct);
            }
        }
        if (opened || closed)
        {
            EndpointsChanged(); // the fan-out reads the breaker to hold back new deliveries
        }
        bool disabled = row.disabled == 0 && (gone || (last.Health == EndpointHealth.Failed && failingSince <= Time.Ms(last.DisableIfFailingSince)))
            && await c.ExecuteAsync(Cmd(
                "UPDATE endpoints SET disabled = 1, disabled_reason = @reason, updated_at = @now WHERE id = @endpointId AND disabled = 0",
                new { endpointId, reason = gone ? GoneReason : FailingReason, now = Time.Ms(last.Now) }, t, ct)) > 0;
        var update = after.Open || closed
            ? new BreakerUpdate(endpointId, closed ? after with { OpenedAt = before.OpenedAt } : after, opened || closed) { MoreToHold = moreToHold }
            : null;
        return (disabled, update);
    }

    /// <summary>How many of an endpoint's pending deliveries one transaction parks; the rest follow in later ones.</summary>
    public const int HoldChunk = 1000;

    /// <summary>
    /// Holds an open endpoint's pending deliveries back: those due before the probe time are parked until
    /// <paramref name="parkUntil"/> (the longest probe interval from now), and one of them, the earliest, is due at the
    /// probe time unless a delivery of the endpoint already is (waiting, or out as the probe). Each failed probe then
    /// rewrites one row, not the endpoint's whole backlog. Should that one row go (its message deleted, say), the
    /// parked ones fall due at <paramref name="parkUntil"/> and the next probe goes out then.
    /// At most <see cref="HoldChunk"/> rows are parked, the earliest due (on PostgreSQL skipping rows others hold), so
    /// that the transaction stays short whatever the backlog: a result write or claim waiting on it would hold up
    /// every other endpoint's deliveries. Returns true when there may be more to park (see <see cref="HoldBackAsync"/>).
    /// </summary>
    private async Task<bool> HoldForProbeAsync(DbConnection c, DbTransaction t, string endpointId, long probeAt, long? parkUntil, CancellationToken ct)
    {
        var args = new { endpointId, probeAt, park = Math.Max(parkUntil ?? probeAt, probeAt), chunk = HoldChunk };
        int parked = await c.ExecuteAsync(Cmd(
            $"""
            UPDATE deliveries SET next_attempt_at = @park
            WHERE id IN (SELECT id FROM deliveries WHERE endpoint_id = @endpointId AND status = {StoredStatus.Pending} AND {EndpointDueOrder} < @probeAt
                         ORDER BY {EndpointDueOrder} LIMIT @chunk{ClaimLockClause})
            """, args, t, ct));
        await c.ExecuteAsync(Cmd(
            $"""
            UPDATE deliveries SET next_attempt_at = @probeAt
            WHERE id = (SELECT id FROM deliveries WHERE endpoint_id = @endpointId AND status = {StoredStatus.Pending} AND next_attempt_at IS NOT NULL ORDER BY {EndpointDueOrder} LIMIT 1)
              AND NOT EXISTS (SELECT 1 FROM deliveries WHERE endpoint_id = @endpointId AND status IN {StoredStatus.Queued} AND {EndpointDueOrder} <= @probeAt)
            """, args, t, ct));
        return parked == HoldChunk;
    }

    public Task<bool> HoldBackAsync(string endpointId, DateTimeOffset now, TimeSpan park, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync(async (c, t) =>
        {
            var state = await c.QuerySingleOrDefaultAsync<(long State, long? ProbeAt)?>(Cmd(
                $"SELECT breaker_state, breaker_probe_at FROM endpoints WHERE id = @endpointId{RowLockClause}", new { endpointId }, t, cancellationToken));
            return state is { State: 1, ProbeAt: { } probeAt }
                && await HoldForProbeAsync(c, t, endpointId, probeAt, Time.Ms(now + park), cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<BreakerPass>> PassBreakersAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset now, TimeSpan probeLease, TimeSpan park, CancellationToken cancellationToken) =>
        deliveries.Count == 0 ? Task.FromResult<IReadOnlyList<BreakerPass>>([]) : WriteBookkeepingAsync<IReadOnlyList<BreakerPass>>(async (c, t) =>
        {
            var passes = new BreakerPass[deliveries.Count];
            var byEndpoint = deliveries.Select((d, i) => (Delivery: d, Index: i)).GroupBy(x => x.Delivery.EndpointId).OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var group in byEndpoint) // one lock order across nodes, as for results
            {
                var args = new { endpointId = group.Key, now = Time.Ms(now), until = Time.Ms(now + probeLease) };
                // Whoever moves the due probe time on owns the probe; a concurrent claimer's statement then matches nothing.
                bool probe = await c.ExecuteAsync(Cmd(
                    "UPDATE endpoints SET breaker_probe_at = @until WHERE id = @endpointId AND breaker_state = 1 AND breaker_probe_at <= @now",
                    args, t, cancellationToken)) > 0;
                long? probeAt = args.until;
                if (!probe)
                {
                    // Locked (PostgreSQL), so that a result closing the breaker right now is waited for and seen: read
                    // as still open, these would be put back to wait for a probe time that no longer means anything,
                    // after the close had already made everything of the endpoint due.
                    var state = await c.QuerySingleOrDefaultAsync<(long State, long? ProbeAt)?>(Cmd(
                        $"SELECT breaker_state, breaker_probe_at FROM endpoints WHERE id = @endpointId{RowLockClause}", args, t, cancellationToken));
                    if (state is not { State: 1 } open)
                    {
                        foreach (var x in group)
                        {
                            passes[x.Index] = BreakerPass.Send;
                        }
                        continue;
                    }
                    probeAt = open.ProbeAt ?? args.until;
                }
                var deferred = new List<DueDelivery>();
                int probeIndex = probe ? group.First().Index : -1;
                foreach (var x in group)
                {
                    if (x.Index == probeIndex)
                    {
                        passes[x.Index] = BreakerPass.Probe;
                        continue;
                    }
                    passes[x.Index] = BreakerPass.Deferred;
                    deferred.Add(x.Delivery);
                }
                long parkUntil = Time.Ms(now + park);
                if (deferred.Count > 0)
                {
                    // Fenced like any release: a delivery another worker claimed meanwhile is left to it.
                    await ReleaseRowsAsync(c, t, deferred, Math.Max(parkUntil, probeAt ?? args.until), cancellationToken);
                }
                // Everything else of the endpoint that is due before the probe's outcome waits for it too, moved in
                // one statement: otherwise, once the probe time has come, claims would take the endpoint's whole
                // backlog batch by batch only to put it back here, while the probe is still out.
                await HoldForProbeAsync(c, t, group.Key, probeAt ?? args.until, parkUntil, cancellationToken);
            }
            return passes;
        }, cancellationToken);

    private static EndpointBreaker Breaker(HealthRow row) => new()
    {
        Open = row.breaker_state != 0, ConsecutiveFailures = (int)row.breaker_failures, OpenedAt = Time.At(row.breaker_opened_at),
        NextProbeAt = Time.At(row.breaker_probe_at), FailedProbes = (int)row.breaker_probes,
    };
}
