using Herald.Model;
using Npgsql;
using NpgsqlTypes;

namespace Herald.Storage.Postgres;

/// <summary>
/// Writes a batch of new messages in the caller's transaction with a fixed number of set-based statements over
/// arrays, however many messages the batch holds: one round trip inserts the messages and stores their idempotency
/// answers (one statement) and reads the endpoints of every application of the batch (another); an ordered endpoint's
/// counter is raised by one statement when the batch has ordered deliveries; one statement inserts every delivery.
/// <para>
/// A message fails alone, and nothing of it is written, when its idempotency claim was taken over
/// (<see cref="IdempotencyClaimLostException"/>) or its application already has its <c>eventId</c>, from an earlier
/// message or from one before it in the batch (<see cref="DuplicateException"/>). The claims are checked in the
/// statement's snapshot, so a takeover committed while the statement runs can leave a message written whose answer
/// was not stored: that message is failed and <see cref="ClaimLostMidwayException"/> asks for the batch to be rolled
/// back and run again without it.
/// </para>
/// </summary>
internal sealed partial class PostgresMessageBatch(NpgsqlConnection connection, NpgsqlTransaction transaction, string? nodeId)
{
    private const string ClaimLost = "The Idempotency-Key was taken over by a retry of this request after its claim timed out.";

    // The claims are checked before the insert and completed after it, only for the messages it wrote: a duplicate
    // leaves its key in progress, as a rolled-back transaction would.
    private const string InsertMessagesSql =
        """
        WITH v AS (
            SELECT x.*, (x.idem_key IS NULL OR EXISTS (
                       SELECT 1 FROM idempotency i WHERE i.key = x.idem_key AND i.token = x.idem_token AND i.status_code = 0)) AS held
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
                        $9::text[], $10::text[], $11::integer[], $12::text[], $13::bigint[])
                 WITH ORDINALITY AS x(id, app_id, event_type, event_id, channels, payload, expires_at, created_at,
                                      idem_key, idem_token, answer_status, answer_body, answered_at, n)),
        m AS (
            INSERT INTO messages (id, app_id, event_type, event_id, channels, payload, payload_expires_at, created_at)
            SELECT id, app_id, event_type, event_id, channels, payload, expires_at, created_at FROM v WHERE held ORDER BY n
            ON CONFLICT DO NOTHING
            RETURNING id),
        c AS (
            UPDATE idempotency i SET status_code = v.answer_status, body = v.answer_body, created_at = v.answered_at, locked_until = NULL
            FROM v JOIN m ON m.id = v.id
            WHERE i.key = v.idem_key AND i.token = v.idem_token AND i.status_code = 0
            RETURNING v.id)
        SELECT v.n, v.held, m.id IS NOT NULL, c.id IS NOT NULL
        FROM v LEFT JOIN m ON m.id = v.id LEFT JOIN c ON c.id = v.id
        """;

    // An endpoint read with an open breaker is locked and read again (FOR SHARE): a result write closing that breaker
    // at this moment holds its row, so the message waits for the close and then sees it, and is due now. Without the
    // lock it would be held until the old probe time after the close had made the endpoint's held deliveries due.
    // Ordered endpoints are locked by the update of their counter instead, which returns their row as it is then.
    private const string FanOutSql =
        """
        WITH e AS (
            SELECT e.id, e.app_id, e.url, e.secret, e.retired_secrets, e.headers, e.event_types, e.channels,
                   COALESCE(e.throttle_rate, a.throttle_rate) AS throttle_rate, e.breaker_state, e.breaker_probe_at, e.ordering, e.ordering_on_exhaustion
            FROM endpoints e LEFT JOIN applications a ON a.id = e.app_id
            WHERE e.app_id = ANY($1::text[]) AND e.disabled = 0),
        h AS (
            SELECT x.id, x.breaker_state, x.breaker_probe_at FROM endpoints x
            WHERE x.id IN (SELECT id FROM e WHERE e.breaker_state = 1 AND e.ordering = 0) FOR SHARE)
        SELECT e.id, e.app_id, e.url, e.secret, e.retired_secrets, e.headers, e.event_types, e.channels, e.throttle_rate,
               COALESCE(h.breaker_state, e.breaker_state), COALESCE(h.breaker_probe_at, e.breaker_probe_at), e.ordering, e.ordering_on_exhaustion
        FROM e LEFT JOIN h ON h.id = e.id ORDER BY e.id
        """;

    /// <summary>
    /// Writes the messages of <paramref name="batch"/> that have not failed in an earlier run, recording on each its
    /// deliveries or its own failure. Returns whether deliveries were made due (the transaction must notify).
    /// </summary>
    /// <exception cref="ClaimLostMidwayException">A message was written whose claim was taken over meanwhile.</exception>
    public async Task<bool> WriteAsync(IReadOnlyList<PendingMessage> batch)
    {
        foreach (var pending in batch)
        {
            pending.BeginRun();
            if (HoldsNul(pending.Message))
            {
                pending.Failure = new ArgumentException("PostgreSQL text cannot hold the NUL character (U+0000): the message is refused.");
            }
        }
        // A message PostgreSQL would refuse fails here, alone: a refused statement would fail the whole batch.
        var candidates = batch.Where(p => p.Failure is null).ToList();
        if (candidates.Count == 0)
        {
            return false;
        }
        Dictionary<string, List<Endpoint>> endpoints;
        await using (var statements = new NpgsqlBatch(connection, transaction))
        {
            statements.BatchCommands.Add(InsertMessagesCommand(candidates));
            statements.BatchCommands.Add(Command(FanOutSql, Parameter(candidates.Select(p => p.Message.AppId).Distinct().ToArray(), NpgsqlDbType.Text)));
            await using var reader = await statements.ExecuteReaderAsync();
            await ReadOutcomesAsync(reader, candidates);
            await reader.NextResultAsync();
            endpoints = await ReadEndpointsAsync(reader);
        }
        var written = batch.Where(p => p.Failure is null).ToList();
        return written.Count > 0 && await WriteDeliveriesAsync(written, endpoints);
    }

    private static bool HoldsNul(Message m) =>
        m.Payload?.Contains('\0', StringComparison.Ordinal) == true || m.EventType.Contains('\0', StringComparison.Ordinal)
        || m.EventId?.Contains('\0', StringComparison.Ordinal) == true || m.Channels?.Any(c => c.Contains('\0', StringComparison.Ordinal)) == true;

    private static NpgsqlBatchCommand InsertMessagesCommand(IReadOnlyList<PendingMessage> batch)
    {
        int n = batch.Count;
        var ids = new string[n];
        var apps = new string[n];
        var types = new string[n];
        var eventIds = new string?[n];
        var channels = new string?[n];
        var payloads = new string?[n];
        var expires = new long?[n];
        var created = new long[n];
        var keys = new string?[n];
        var tokens = new string?[n];
        var statuses = new int?[n];
        var bodies = new string?[n];
        var answeredAt = new long?[n];
        for (int i = 0; i < n; i++)
        {
            var pending = batch[i];
            var message = pending.Message;
            ids[i] = message.Id;
            apps[i] = message.AppId;
            types[i] = message.EventType;
            eventIds[i] = message.EventId;
            channels[i] = StoreJson.List(message.Channels);
            payloads[i] = message.Payload;
            expires[i] = Time.Ms(pending.PayloadExpiresAt);
            created[i] = Time.Ms(message.CreatedAt);
            if (pending.Idempotency is { } answer)
            {
                keys[i] = answer.Key;
                tokens[i] = answer.Token;
                statuses[i] = answer.Response.StatusCode;
                bodies[i] = answer.Response.Body;
                answeredAt[i] = Time.Ms(answer.Response.CreatedAt);
            }
        }
        return Command(InsertMessagesSql,
            Parameter(ids, NpgsqlDbType.Text), Parameter(apps, NpgsqlDbType.Text), Parameter(types, NpgsqlDbType.Text), Parameter(eventIds, NpgsqlDbType.Text),
            Parameter(channels, NpgsqlDbType.Text), Parameter(payloads, NpgsqlDbType.Text), Parameter(expires, NpgsqlDbType.Bigint), Parameter(created, NpgsqlDbType.Bigint),
            Parameter(keys, NpgsqlDbType.Text), Parameter(tokens, NpgsqlDbType.Text), Parameter(statuses, NpgsqlDbType.Integer), Parameter(bodies, NpgsqlDbType.Text),
            Parameter(answeredAt, NpgsqlDbType.Bigint));
    }

    private static async Task ReadOutcomesAsync(NpgsqlDataReader reader, IReadOnlyList<PendingMessage> batch)
    {
        PendingMessage? lostMidway = null;
        while (await reader.ReadAsync())
        {
            var pending = batch[(int)reader.GetInt64(0) - 1];
            bool held = reader.GetBoolean(1), inserted = reader.GetBoolean(2), completed = reader.GetBoolean(3);
            if (!held)
            {
                pending.Failure = new IdempotencyClaimLostException(ClaimLost);
            }
            else if (!inserted)
            {
                pending.Failure = RelationalStore.DuplicateEventId(pending.Message);
            }
            else if (pending.Idempotency is not null && !completed)
            {
                lostMidway = pending;
            }
        }
        if (lostMidway is not null)
        {
            throw new ClaimLostMidwayException(lostMidway, new IdempotencyClaimLostException(ClaimLost));
        }
    }

    private static async Task<Dictionary<string, List<Endpoint>>> ReadEndpointsAsync(NpgsqlDataReader reader)
    {
        var byApp = new Dictionary<string, List<Endpoint>>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var row = new EndpointRow
            {
                id = reader.GetString(0), app_id = reader.GetString(1), url = reader.GetString(2), secret = reader.GetString(3),
                retired_secrets = reader.GetString(4), headers = reader.GetString(5),
                event_types = reader.IsDBNull(6) ? null : reader.GetString(6), channels = reader.IsDBNull(7) ? null : reader.GetString(7),
                throttle_rate = reader.IsDBNull(8) ? null : reader.GetInt32(8), breaker_state = reader.GetInt32(9),
                breaker_probe_at = reader.IsDBNull(10) ? null : reader.GetInt64(10), ordering = reader.GetInt32(11), ordering_on_exhaustion = reader.GetInt32(12),
            };
            if (!byApp.TryGetValue(row.app_id, out var list))
            {
                byApp[row.app_id] = list = [];
            }
            list.Add(row.ToModel());
        }
        return byApp;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Parameter<T>(T[] values, NpgsqlDbType elementType) => new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    /// <summary>
    /// A message of the batch was written but its idempotency claim was taken over while the statement ran. The
    /// message has failed; the transaction must be rolled back and the rest of the batch written again.
    /// </summary>
    internal sealed class ClaimLostMidwayException(PendingMessage message, Exception failure) : Exception(failure.Message, failure)
    {
        public new PendingMessage Message { get; } = message;

        public Exception Failure { get; } = failure;
    }
}
