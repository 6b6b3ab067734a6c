using Herald.Breakers;
using Herald.Model;
using Npgsql;
using NpgsqlTypes;

namespace Herald.Storage.Postgres;

// The deliveries of a batch: chosen here by each endpoint's filters, then inserted by one statement.
internal sealed partial class PostgresMessageBatch
{
    // A delivery to an ordered endpoint waits without a due time when an unfinished delivery of its key precedes it:
    // one already stored, or one before it in the batch (not "head": the statement does not see its own rows).
    private static readonly string InsertDeliveriesSql =
        $"""
        INSERT INTO deliveries (msg_id, app_id, endpoint_id, status, attempts, trigger_type, next_attempt_at, created_at, updated_at, lease_owner,
                                ordering_key, ordering_seq)
        SELECT x.msg_id, x.app_id, x.endpoint_id, x.status, 0, 0,
               CASE WHEN x.ordering_key IS NOT NULL AND (NOT x.head OR {RelationalStore.KeyBusy("x.endpoint_id", "x.ordering_key")}) THEN NULL ELSE x.next END,
               x.now, x.now, x.owner, x.ordering_key, x.seq
        FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::bigint[], $10::boolean[])
             AS x(msg_id, app_id, endpoint_id, status, next, now, owner, ordering_key, seq, head)
        RETURNING id, msg_id, endpoint_id
        """;

    // Each ordered endpoint's counter is raised once by the number of the batch's deliveries to it; its row stays
    // locked until commit, so the endpoint's deliveries are numbered in commit order. Locked in id order first, so
    // that two batches raising the same counters do not deadlock.
    private const string RaiseCountersSql =
        """
        WITH l AS (SELECT id FROM endpoints WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE)
        UPDATE endpoints SET ordering_seq = endpoints.ordering_seq + x.n
        FROM unnest($1::text[], $2::bigint[]) AS x(id, n)
        WHERE endpoints.id = x.id AND endpoints.id IN (SELECT id FROM l)
        RETURNING endpoints.id, endpoints.ordering_seq, endpoints.breaker_state, endpoints.breaker_probe_at
        """;

    private async Task<bool> WriteDeliveriesAsync(List<PendingMessage> written, Dictionary<string, List<Endpoint>> endpoints)
    {
        var planned = new List<Planned>();
        foreach (var pending in written)
        {
            var message = pending.Message;
            if (!endpoints.TryGetValue(message.AppId, out var candidates))
            {
                continue;
            }
            foreach (var endpoint in candidates)
            {
                if (pending.OnlyEndpointId is { } only ? endpoint.Id == only : endpoint.Accepts(message.EventType, message.Channels))
                {
                    planned.Add(new Planned(pending, endpoint, Ordering.KeyOf(endpoint.Ordering, message)));
                }
            }
        }
        if (planned.Exists(p => p.Key is not null))
        {
            planned = await NumberOrderedAsync(planned);
        }
        if (planned.Count == 0)
        {
            return false;
        }
        await InsertAsync(planned);
        bool queued = false;
        foreach (var pending in written)
        {
            queued |= pending.Created.Count > 0 && (pending.Lease is null || pending.Created.Exists(d => d.BreakerOpen || d.OrderingKey is not null));
        }
        return queued;
    }

    /// <summary>Raises the counters of the ordered endpoints and numbers their deliveries in batch order (those of a deleted endpoint are dropped).</summary>
    private async Task<List<Planned>> NumberOrderedAsync(List<Planned> planned)
    {
        var counts = planned.Where(p => p.Key is not null).GroupBy(p => p.Endpoint.Id, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Count: (long)g.Count())).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        var raised = new Dictionary<string, (long Next, Endpoint Endpoint)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(RaiseCountersSql, connection, transaction))
        {
            command.Parameters.Add(Parameter(counts.Select(c => c.Id).ToArray(), NpgsqlDbType.Text));
            command.Parameters.Add(Parameter(counts.Select(c => c.Count).ToArray(), NpgsqlDbType.Bigint));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                string id = reader.GetString(0);
                long last = reader.GetInt64(1);
                bool open = reader.GetInt32(2) == 1;
                var probeAt = Time.At(reader.IsDBNull(3) ? null : reader.GetInt64(3));
                var endpoint = planned.First(p => p.Endpoint.Id == id).Endpoint;
                // The breaker as the locked row has it now, not as the fan-out read it.
                endpoint = endpoint with { Breaker = open ? endpoint.Breaker with { Open = true, NextProbeAt = probeAt } : EndpointBreaker.Closed };
                raised[id] = (last - counts.First(c => c.Id == id).Count + 1, endpoint);
            }
        }
        var numbered = new List<Planned>(planned.Count);
        var heads = new HashSet<(string, string)>();
        foreach (var p in planned)
        {
            if (p.Key is null)
            {
                numbered.Add(p);
            }
            else if (raised.TryGetValue(p.Endpoint.Id, out var counter))
            {
                raised[p.Endpoint.Id] = (counter.Next + 1, counter.Endpoint);
                numbered.Add(p with { Endpoint = counter.Endpoint, Seq = counter.Next, Head = heads.Add((p.Endpoint.Id, p.Key)) });
            }
        }
        return numbered;
    }

    private async Task InsertAsync(List<Planned> planned)
    {
        int n = planned.Count;
        var msgIds = new string[n];
        var apps = new string[n];
        var endpointIds = new string[n];
        var statuses = new int[n];
        var nexts = new long[n];
        var nows = new long[n];
        var owners = new string?[n];
        var keys = new string?[n];
        var seqs = new long?[n];
        var heads = new bool[n];
        var index = new Dictionary<(string, string), int>(n);
        for (int i = 0; i < n; i++)
        {
            var (pending, endpoint, key, seq, head) = planned[i];
            long now = Time.Ms(pending.Message.CreatedAt);
            bool held = endpoint.Breaker.Open;
            bool claimed = pending.Lease is not null && !held && key is null;
            msgIds[i] = pending.Message.Id;
            apps[i] = pending.Message.AppId;
            endpointIds[i] = endpoint.Id;
            statuses[i] = claimed ? (int)DeliveryStatus.Sending : (int)DeliveryStatus.Pending;
            // Held for an open breaker: due at its next probe. Ordered: due now (or queued behind its key). Otherwise due at the lease's end.
            nexts[i] = held ? Math.Max(Time.Ms(endpoint.Breaker.NextProbeAt) ?? now, now) : key is not null ? now : Time.Ms(pending.LeaseUntil);
            nows[i] = now;
            owners[i] = claimed ? nodeId : null;
            keys[i] = key;
            seqs[i] = seq;
            heads[i] = head;
            index[(msgIds[i], endpointIds[i])] = i;
        }
        await using var command = new NpgsqlCommand(InsertDeliveriesSql, connection, transaction);
        command.Parameters.AddRange(new[]
        {
            Parameter(msgIds, NpgsqlDbType.Text), Parameter(apps, NpgsqlDbType.Text), Parameter(endpointIds, NpgsqlDbType.Text),
            Parameter(statuses, NpgsqlDbType.Integer), Parameter(nexts, NpgsqlDbType.Bigint), Parameter(nows, NpgsqlDbType.Bigint),
            Parameter(owners, NpgsqlDbType.Text), Parameter(keys, NpgsqlDbType.Text), Parameter(seqs, NpgsqlDbType.Bigint), Parameter(heads, NpgsqlDbType.Boolean),
        });
        var ids = new long[n];
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids[index[(reader.GetString(1), reader.GetString(2))]] = reader.GetInt64(0);
            }
        }
        for (int i = 0; i < n; i++)
        {
            var (pending, endpoint, key, _, _) = planned[i];
            var message = pending.Message;
            pending.Created.Add(RelationalStore.NewDelivery(message, endpoint, ids[i], key is null ? pending.LeaseUntil : message.CreatedAt) with { OrderingKey = key });
        }
    }

    /// <summary>One delivery to write: an ordered endpoint's carries its key, its number and whether it is the first of its key in the batch.</summary>
    private sealed record Planned(PendingMessage Pending, Endpoint Endpoint, string? Key, long? Seq = null, bool Head = false);
}
