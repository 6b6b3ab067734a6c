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
        if (closed)
        {
            // Recovered: every waiting retry, and what the fan-out held back for the probe, goes out now (what was
            // due already while open was only left out of claims: it goes out as it is).
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
            ? new BreakerUpdate(endpointId, closed ? after with { OpenedAt = before.OpenedAt } : after, opened || closed)
            : null;
        return (disabled, update);
    }

    /// <summary>
    /// The open endpoints, split by whether their probe is due, in one read through ix_endpoints_breaker_open. Claims
    /// leave the held-back ones' deliveries alone (see ClaimFairlyAsync), so that an open endpoint's backlog is never
    /// rewritten, however large; of each probing one they take one delivery, the probe's candidate.
    /// </summary>
    private static async Task<(List<string> HeldBack, List<string> Probing)> OpenEndpointsAsync(DbConnection c, DbTransaction t, long now, CancellationToken ct)
    {
        var heldBack = new List<string>();
        var probing = new List<string>();
        foreach (var (id, probeAt) in await c.QueryAsync<(string, long?)>(Cmd(
                     "SELECT id, breaker_probe_at FROM endpoints WHERE breaker_state = 1", null, t, ct)))
        {
            (probeAt <= now ? probing : heldBack).Add(id);
        }
        return (heldBack, probing);
    }

    public Task<IReadOnlyList<BreakerPass>> PassBreakersAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset now, TimeSpan probeLease, CancellationToken cancellationToken) =>
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
                if (!probe)
                {
                    // Not locked: this runs in the claim, which must not wait for a result write of the endpoint. Should
                    // a close commit right after this read, the deliveries handed back are due now and claimed again.
                    var state = await c.QuerySingleOrDefaultAsync<long?>(Cmd(
                        "SELECT breaker_state FROM endpoints WHERE id = @endpointId", args, t, cancellationToken));
                    if (state != 1)
                    {
                        foreach (var x in group)
                        {
                            passes[x.Index] = BreakerPass.Send;
                        }
                        continue;
                    }
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
                if (deferred.Count > 0)
                {
                    // Back to pending, due as they were: claims leave them alone while the breaker is open and its
                    // probe not due. Fenced like any release: a delivery another worker claimed meanwhile is left to it.
                    await ReleaseRowsAsync(c, t, deferred, Time.Ms(now), cancellationToken);
                }
            }
            return passes;
        }, cancellationToken);

    private static EndpointBreaker Breaker(HealthRow row) => new()
    {
        Open = row.breaker_state != 0, ConsecutiveFailures = (int)row.breaker_failures, OpenedAt = Time.At(row.breaker_opened_at),
        NextProbeAt = Time.At(row.breaker_probe_at), FailedProbes = (int)row.breaker_probes,
    };
}
