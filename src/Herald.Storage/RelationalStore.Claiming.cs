using System.Data.Common;
using Dapper;

namespace Herald.Storage;

// Fair claims: a node's capacity is shared between applications, and first attempts go before retries.
// Every application with queued work is found by skipping through the per-application queue indexes (one seek
// each), then each gets a share of the claim read from the front of its own queue, so an application with a huge
// backlog costs no more than one with a single message, and its backlog cannot push anyone else's work back.
// Where the front of an application's queue is held (an open or busy endpoint's backlog), the read starts where the
// other endpoints' queued work begins.
public abstract partial class RelationalStore
{
    /// <summary>How many rounds a claim hands out what earlier rounds left, to the applications that had more.</summary>
    private const int ClaimRounds = 3;

    /// <summary>How long claims treat an application's queue front as held after a window read found it full of excluded work.</summary>
    private const long WindowFullForMs = 1000;

    /// <summary>How long a claim reuses where an application's endpoints' queued work begins, as read by an earlier claim.</summary>
    private const long FrontsForMs = 1000;

    /// <summary>
    /// How far before the fronts read a window read starts: a delivery accepted a moment before the read may be
    /// committed after it (a group commit), and its due time is its acceptance time.
    /// </summary>
    private const long FrontsMarginMs = 1000;

    // The application this store's last claim started with; the next claim starts with the one after it.
    private string? _claimTurn;

    // Applications (and kind: retries or not) whose queue front was last found full of excluded endpoints' work, and when.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string App, bool Retries), long> _windowFullAt = new();

    // Per application whose queue front is held: its endpoints, each with the due time of its earliest queued
    // delivery when read (null: none queued), and when that was. A claim's window read starts at the earliest front of
    // the endpoints it may take from, so it does not walk over the held rows before them. Deliveries queued after the
    // read are due from their acceptance, so no earlier than the read less FrontsMarginMs; an endpoint added after it
    // is found by the next read, at most FrontsForMs later.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, QueueFronts> _fronts = new(StringComparer.Ordinal);

    /// <summary>The due-order expression of the per-application queue indexes (PostgreSQL hides it from ix_deliveries_due).</summary>
    protected virtual string AppDueOrder => "next_attempt_at";

    /// <summary>The due-order expression of the per-endpoint queue index, for statements that touch one endpoint's queue.</summary>
    protected virtual string EndpointDueOrder => "next_attempt_at";

    /// <summary>
    /// The claim's re-check over rows already picked by id: queued and due. PostgreSQL writes it so that no index
    /// but the primary key can serve it (see PostgresStore), so that the planner fetches the few rows by id.
    /// </summary>
    protected virtual string QueuedAndDueOfRowsById => $"status IN {StoredStatus.Queued} AND next_attempt_at <= @now";

    /// <summary>Claims, marks sending and returns the ids of up to <paramref name="max"/> due deliveries, shared fairly.</summary>
    private async Task<List<long>> ClaimFairlyAsync(
        DbConnection c, DbTransaction t, DateTimeOffset now, DateTimeOffset leaseUntil, int max, ClaimLimits limits, CancellationToken ct)
    {
        var queued = (await c.QueryAsync<string>(Cmd(
            $"""
            WITH RECURSIVE firsts(app_id) AS (
                SELECT (SELECT MIN(app_id) FROM deliveries WHERE status IN {StoredStatus.Queued} AND attempts = 0)
                UNION ALL
                SELECT (SELECT MIN(d.app_id) FROM deliveries d WHERE d.status IN {StoredStatus.Queued} AND d.attempts = 0 AND d.app_id > f.app_id)
                FROM firsts f WHERE f.app_id IS NOT NULL),
            retries(app_id) AS (
                SELECT (SELECT MIN(app_id) FROM deliveries WHERE status IN {StoredStatus.Queued} AND attempts > 0)
                UNION ALL
                SELECT (SELECT MIN(d.app_id) FROM deliveries d WHERE d.status IN {StoredStatus.Queued} AND d.attempts > 0 AND d.app_id > r.app_id)
                FROM retries r WHERE r.app_id IS NOT NULL)
            SELECT app_id FROM firsts WHERE app_id IS NOT NULL
            UNION
            SELECT app_id FROM retries WHERE app_id IS NOT NULL
            """, null, t, ct))).Where(a => limits.RoomOf(a) > 0).Order(StringComparer.Ordinal).ToList();
        if (queued.Count == 0)
        {
            return [];
        }
        var apps = TakeTurn(queued);
        var room = apps.ToDictionary(a => a, limits.RoomOf, StringComparer.Ordinal);
        long at = Time.Ms(now);
        // Open breakers: an endpoint waiting for its probe is left out like a full lane, so its backlog stays where it
        // is; one whose probe is due gives one delivery, the probe's candidate (see PassBreakersAsync), and no more.
        var (heldBack, probeDue) = await OpenEndpointsAsync(c, t, at, ct);
        var excluded = new HashSet<string>(limits.ExcludedEndpoints, StringComparer.Ordinal);
        excluded.UnionWith(heldBack);
        var probing = probeDue.Where(excluded.Add).ToList();
        var take = new Take(this, c, t, at, excluded, ct) { RetriesLeft = limits.Retries ?? int.MaxValue };
        var claimed = new List<long>(max);
        if (probing.Count > 0)
        {
            var candidates = await SelectProbeCandidatesAsync(c, t, probing, at, Math.Min(max, probing.Count), ct);
            claimed.AddRange(await MarkClaimedAsync(c, t, candidates, now, leaseUntil, ct));
        }
        for (int round = 0; round < ClaimRounds && claimed.Count < max && apps.Count > 0; round++)
        {
            int share = Math.Max(1, (max - claimed.Count + apps.Count - 1) / apps.Count);
            var candidates = new List<long>();
            var more = new List<string>();
            foreach (var app in apps)
            {
                int want = Math.Min(Math.Min(share, room[app]), max - claimed.Count - candidates.Count);
                if (want <= 0)
                {
                    break;
                }
                int got = await take.FromAppAsync(app, want, candidates);
                room[app] -= got;
                if (got == want && room[app] > 0)
                {
                    more.Add(app);
                }
            }
            if (candidates.Count == 0)
            {
                break;
            }
            claimed.AddRange(await MarkClaimedAsync(c, t, candidates, now, leaseUntil, ct));
            apps = more;
        }
        return claimed;
    }

    /// <summary>The applications in the order of this claim: starting after the one the last claim started with.</summary>
    private List<string> TakeTurn(List<string> queued)
    {
        var last = Volatile.Read(ref _claimTurn);
        int start = last is null ? 0 : queued.FindIndex(a => string.CompareOrdinal(a, last) > 0);
        if (start <= 0)
        {
            start = 0;
        }
        var order = queued.GetRange(start, queued.Count - start);
        order.AddRange(queued.GetRange(0, start));
        Volatile.Write(ref _claimTurn, order[0]);
        return order;
    }

    /// <summary>
    /// Marks the candidates sending under a new lease token and this node's name; a candidate another node claimed
    /// meanwhile is skipped (PostgreSQL: locked) or fails the re-checked condition once that claim has committed.
    /// </summary>
    private async Task<IEnumerable<long>> MarkClaimedAsync(
        DbConnection c, DbTransaction t, List<long> candidates, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct) =>
        await c.QueryAsync<long>(Cmd(
            $"""
            UPDATE deliveries SET status = {StoredStatus.Sending}, next_attempt_at = @leaseUntil, lease_token = lease_token + 1, lease_owner = @node
            WHERE id IN (SELECT id FROM deliveries WHERE {InList("id", "@ids")} AND {QueuedAndDueOfRowsById}
                         AND {OrderedHeadCheck("deliveries")}{ClaimLockClause})
            RETURNING id
            """, new { ids = candidates.ToArray(), now = Time.Ms(now), leaseUntil = Time.Ms(leaseUntil), node = NodeId }, t, ct));

    /// <summary>
    /// The oldest due deliveries of one kind (first attempts or retries) of one application, read from the front of
    /// its queue, leaving out the excluded endpoints' rows in the statement itself so that only usable rows come back.
    /// With endpoints excluded the statement looks at no more than <paramref name="scan"/> rows from the front (or
    /// from due time <paramref name="from"/>, when given); when it finds fewer than wanted, the result says whether
    /// that window was full (so excluded endpoints' backlog may hide the rest) or the application's due queue simply ended.
    /// </summary>
    protected virtual async Task<(List<WindowRow> Rows, bool WindowFull)> SelectDueOfAppAsync(
        DbConnection c, DbTransaction t, string appId, bool retries, long now, long? from, int want, int scan, IReadOnlySet<string> excluded, CancellationToken ct)
    {
        // The due time is selected as the expression the window is ordered by, so that the outer ORDER BY due is the
        // window's own order: PostgreSQL then streams the window up to the outer LIMIT instead of reading all of it
        // (@scan rows, four times what is wanted) to sort it again.
        string due = $"""
            SELECT id, endpoint_id, {AppDueOrder} AS due, ordering_key FROM deliveries
            WHERE app_id = @appId AND status IN {StoredStatus.Queued} AND attempts {(retries ? "> 0" : "= 0")} AND {AppDueOrder} <= @now
              {(from is null ? "" : $"AND {AppDueOrder} >= @from")} AND {OrderedHeadCheck("deliveries")}
            ORDER BY {AppDueOrder}
            """;
        if (excluded.Count == 0)
        {
            return ((await c.QueryAsync<WindowRow>(Cmd($"{due} LIMIT @want", new { appId, now, from, want }, t, ct))).AsList(), false);
        }
        // The window is a subquery with its own LIMIT: it is read only as far as the outer LIMIT needs, in due order,
        // so that what comes back is the first usable rows (see Take.Advance).
        var args = new { appId, now, from, want, scan, excluded = excluded.ToArray() };
        var rows = (await c.QueryAsync<WindowRow>(Cmd(
            $"SELECT id, endpoint_id, due, ordering_key FROM ({due} LIMIT @scan) w WHERE NOT ({InList("endpoint_id", "@excluded")}) ORDER BY due LIMIT @want", args, t, ct))).AsList();
        bool full = rows.Count < want
            && await c.ExecuteScalarAsync<long>(Cmd($"SELECT COUNT(*) FROM ({due} LIMIT @scan) w", args, t, ct)) == scan;
        return (rows, full);
    }

    /// <summary>A due delivery read for a claim: its id, endpoint, due time, and ordering key (ordered endpoints only).</summary>
    protected sealed record WindowRow(long id, string endpoint_id, long due, string? ordering_key);

    /// <summary>The earliest due delivery of each endpoint (at most <paramref name="max"/> endpoints), locked for the claim.</summary>
    private async Task<List<long>> SelectProbeCandidatesAsync(DbConnection c, DbTransaction t, List<string> endpoints, long now, int max, CancellationToken ct)
    {
        var ids = new List<long>();
        foreach (var endpoint in endpoints.Take(max))
        {
            ids.AddRange(await c.QueryAsync<long>(Cmd(
                $"""
                SELECT id FROM deliveries WHERE endpoint_id = @endpoint AND status IN {StoredStatus.Queued} AND {EndpointDueOrder} <= @now
                  AND {OrderedHeadCheck("deliveries")}
                ORDER BY {EndpointDueOrder} LIMIT 1{ClaimLockClause}
                """, new { endpoint, now }, t, ct)));
        }
        return ids;
    }

    /// <summary>
    /// The application's endpoints and where each one's queued work begins, read at most once per
    /// <paramref name="maxAgeMs"/>: one seek per endpoint in the per-endpoint queue index, however long its backlog.
    /// </summary>
    private async Task<QueueFronts> FrontsOfAsync(DbConnection c, DbTransaction t, string appId, long now, long maxAgeMs, CancellationToken ct)
    {
        if (_fronts.TryGetValue(appId, out var known) && now - known.At >= 0 && now - known.At < maxAgeMs) // a clock set back reads anew
        {
            return known;
        }
        var rows = await c.QueryAsync<(string Id, long? First)>(Cmd(
            $"""
            SELECT e.id, (SELECT MIN({EndpointDueOrder}) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status IN {StoredStatus.Queued})
            FROM endpoints e WHERE e.app_id = @appId
            """, new { appId }, t, ct));
        var fronts = new QueueFronts(now, rows.ToDictionary(r => r.Id, r => r.First, StringComparer.Ordinal));
        if (_fronts.Count > 10_000)
        {
            _fronts.Clear();
        }
        _fronts[appId] = fronts;
        return fronts;
    }

    /// <summary>
    /// Moves the application's known fronts past what a claim's window read took: the read returns the first usable rows
    /// from its start in due order, so each endpoint in it has nothing queued before the last of its rows that it did
    /// not return, and the next claims read from there instead of walking again over rows claimed since the fronts
    /// were read (on PostgreSQL, index entries of rows no longer queued until a vacuum removes them). An endpoint with
    /// ordered rows is left as it is: rows waiting behind their key's head are skipped, not taken. A claim that does
    /// not commit leaves its rows queued behind the moved fronts until the fronts are read anew, at most
    /// <see cref="FrontsForMs"/> later.
    /// </summary>
    private QueueFronts AdvanceFronts(string appId, QueueFronts fronts, List<WindowRow> rows)
    {
        Dictionary<string, long?>? moved = null;
        foreach (var group in rows.GroupBy(r => r.endpoint_id, StringComparer.Ordinal))
        {
            if (group.Any(r => r.ordering_key is not null) || !fronts.First.TryGetValue(group.Key, out var first))
            {
                continue;
            }
            long last = group.Max(r => r.due);
            if (first is null || first < last)
            {
                (moved ??= new Dictionary<string, long?>(fronts.First, StringComparer.Ordinal))[group.Key] = last;
            }
        }
        if (moved is null)
        {
            return fronts;
        }
        var advanced = fronts with { First = moved };
        _fronts.TryUpdate(appId, advanced, fronts);
        return advanced;
    }

    /// <summary>An application's endpoints, each with the due time of its earliest queued delivery (null: none), as read at <paramref name="At"/>.</summary>
    private sealed record QueueFronts(long At, Dictionary<string, long?> First)
    {
        /// <summary>
        /// The due time from which a window read misses no delivery of an endpoint outside <paramref name="excluded"/>:
        /// the earliest front among them, and no later than <see cref="FrontsMarginMs"/> before the read (for what was
        /// accepted before it and committed after it).
        /// </summary>
        public long Start(IReadOnlySet<string> excluded)
        {
            long start = At - FrontsMarginMs;
            foreach (var (endpoint, first) in First)
            {
                if (first is { } at && at < start && !excluded.Contains(endpoint))
                {
                    start = at;
                }
            }
            return start;
        }
    }

    /// <summary>Takes candidates for one claim, keeping count of the retries it may still take.</summary>
    private sealed class Take(RelationalStore store, DbConnection c, DbTransaction t, long now, IReadOnlyCollection<string> excluded, CancellationToken ct)
    {
        private readonly IReadOnlySet<string> _excluded = excluded as IReadOnlySet<string> ?? excluded.ToHashSet(StringComparer.Ordinal);

        public int RetriesLeft { get; set; }

        /// <summary>Adds up to <paramref name="want"/> of the application's due deliveries, first attempts first; returns how many.</summary>
        public async Task<int> FromAppAsync(string appId, int want, List<long> into)
        {
            int got = await KindAsync(appId, retries: false, want, into);
            if (got < want && RetriesLeft > 0)
            {
                int retries = await KindAsync(appId, retries: true, Math.Min(want - got, RetriesLeft), into);
                RetriesLeft -= retries;
                got += retries;
            }
            return got;
        }

        private async Task<int> KindAsync(string appId, bool retries, int want, List<long> into)
        {
            // While excluded endpoints' backlog fills the front of the application's queue (a hanging endpoint's until
            // its breaker opens, then an open endpoint's), a window read from the front would come back full of it:
            // read from where the other endpoints' work begins instead. Only where excluded work is interleaved so
            // densely that even that window is full, go to the other endpoints one by one.
            var key = (appId, retries);
            bool held = _excluded.Count > 0 && store._windowFullAt.TryGetValue(key, out long fullAt) && now - fullAt is >= 0 and < WindowFullForMs;
            QueueFronts? fronts = held ? await store.FrontsOfAsync(c, t, appId, now, FrontsForMs, ct) : null;
            long? from = fronts?.Start(_excluded);
            var mine = new HashSet<long>();
            bool full = await ReadAsync();
            if (!full && !held)
            {
                store._windowFullAt.TryRemove(key, out _);
            }
            // The fronts as an earlier claim read them first, unless this claim read from them already; then read anew.
            for (int pass = 0; pass < 2 && mine.Count < want && full; pass++)
            {
                store._windowFullAt[key] = now;
                fronts = await store.FrontsOfAsync(c, t, appId, now, fronts is null ? FrontsForMs : 1, ct);
                long start = fronts.Start(_excluded);
                if (from is null || start > from)
                {
                    from = start;
                    full = await ReadAsync();
                }
            }
            if (mine.Count < want && full)
            {
                return mine.Count + await FromEachEndpointAsync(fronts!, want - mine.Count, retries, into);
            }
            return mine.Count;

            async Task<bool> ReadAsync()
            {
                var (rows, windowFull) = await store.SelectDueOfAppAsync(c, t, appId, retries, now, from, want, want * 4, _excluded, ct);
                foreach (var row in rows)
                {
                    if (mine.Count < want && mine.Add(row.id))
                    {
                        into.Add(row.id);
                    }
                }
                if (fronts is not null && rows.Count > 0)
                {
                    fronts = store.AdvanceFronts(appId, fronts, rows);
                }
                return windowFull;
            }
        }

        /// <summary>
        /// Takes up to <paramref name="want"/> due deliveries from the application's endpoints that are not excluded,
        /// an equal part from each; what endpoints with less work leave goes, in further rounds, to those that had more.
        /// </summary>
        private async Task<int> FromEachEndpointAsync(QueueFronts fronts, int want, bool retries, List<long> into)
        {
            var taken = into.ToHashSet();
            var endpoints = fronts.First.Keys.Where(e => !_excluded.Contains(e)).ToList();
            int got = 0;
            for (int round = 0; round < ClaimRounds && got < want && endpoints.Count > 0; round++)
            {
                int perEndpoint = Math.Max(1, (want - got + endpoints.Count - 1) / endpoints.Count);
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (id, endpointId) in await store.SelectDuePerEndpointAsync(c, t, endpoints, now, perEndpoint, taken, retries, ct))
                {
                    if (got < want && taken.Add(id))
                    {
                        into.Add(id);
                        got++;
                        counts[endpointId] = counts.GetValueOrDefault(endpointId) + 1;
                    }
                }
                endpoints = endpoints.Where(e => counts.GetValueOrDefault(e) >= perEndpoint).ToList();
            }
            return got;
        }
    }
}
