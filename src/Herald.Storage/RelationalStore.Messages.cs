using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    private const string MessageColumns = "m.id, m.app_id, m.event_type, m.event_id, m.channels, m.payload, m.created_at";

    /// <summary>SQL true when the JSON array column <paramref name="column"/> holds the value of <paramref name="parameter"/>.</summary>
    protected abstract string JsonArrayContains(string column, string parameter);

    public Task<int> CreateMessageAsync(Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, CancellationToken cancellationToken) =>
        CreateMessageAsync(message, payloadExpiresAt, onlyEndpointId, null, cancellationToken);

    public async Task<int> CreateMessageAsync(Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, IdempotencyCompletion? idempotency, CancellationToken cancellationToken) =>
        (await WriteNewMessageAsync(message, payloadExpiresAt, onlyEndpointId, null, idempotency, cancellationToken)).Count;

    public Task<IReadOnlyList<DueDelivery>> CreateMessageClaimedAsync(Message message, DateTimeOffset? payloadExpiresAt, TimeSpan lease, CancellationToken cancellationToken) =>
        CreateMessageClaimedAsync(message, payloadExpiresAt, lease, null, cancellationToken);

    public async Task<IReadOnlyList<DueDelivery>> CreateMessageClaimedAsync(Message message, DateTimeOffset? payloadExpiresAt, TimeSpan lease, IdempotencyCompletion? idempotency, CancellationToken cancellationToken) =>
        (await WriteNewMessageAsync(message, payloadExpiresAt, null, lease, idempotency, cancellationToken))
            .Where(d => !d.BreakerOpen || d.OrderingKey is not null).ToList();

    /// <summary>
    /// Writes one new message (the hot path of the API) in one transaction with its deliveries and, when given, the
    /// idempotency key's answer, and returns every delivery created (see <see cref="InsertMessageAsync"/>). A message
    /// whose <c>eventId</c> the application already has fails with <see cref="DuplicateException"/>; one whose
    /// idempotency claim was taken over fails with <see cref="IdempotencyClaimLostException"/>, and nothing of it is
    /// written. By default each message is a transaction of its own; a store may write concurrent messages together.
    /// </summary>
    protected virtual async Task<IReadOnlyList<DueDelivery>> WriteNewMessageAsync(
        Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, TimeSpan? lease, IdempotencyCompletion? idempotency, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync((c, t) => InsertMessageCompletingAsync(c, t, message, payloadExpiresAt, onlyEndpointId, lease, idempotency, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            throw DuplicateEventId(message);
        }
    }

    protected internal static DuplicateException DuplicateEventId(Message message) =>
        new($"A message with eventId '{message.EventId}' already exists in this application.");

    /// <summary>The message, its deliveries and, when given, the idempotency key's answer: one transaction.</summary>
    private async Task<IReadOnlyList<DueDelivery>> InsertMessageCompletingAsync(
        DbConnection c, DbTransaction t, Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, TimeSpan? lease,
        IdempotencyCompletion? idempotency, CancellationToken cancellationToken)
    {
        if (idempotency is not null)
        {
            // First, so that a lost claim stops the write before anything else is done.
            await CompleteInTransactionAsync(c, t, idempotency, cancellationToken);
        }
        return await InsertMessageAsync(c, t, message, payloadExpiresAt, onlyEndpointId, lease, cancellationToken);
    }

    /// <summary>
    /// Inserts the message and its deliveries. With a <paramref name="lease"/> the deliveries are born claimed by
    /// the caller (sending until created + lease) and returned ready to send; otherwise they are pending and due now.
    /// A delivery to an endpoint whose breaker is open is pending either way, due at the next probe, and is returned
    /// marked <see cref="DueDelivery.BreakerOpen"/> (not claimed).
    /// </summary>
    private async Task<IReadOnlyList<DueDelivery>> InsertMessageAsync(
        DbConnection c, DbTransaction t, Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, TimeSpan? lease, CancellationToken cancellationToken)
    {
        long now = Time.Ms(message.CreatedAt);
        using (var insertMessage = _statements.Create(c, t,
            "INSERT INTO messages (id, app_id, event_type, event_id, channels, payload, payload_expires_at, created_at) VALUES (@id, @app, @type, @eventId, @channels, @payload, @expires, @now)",
            "id", "app", "type", "eventId", "channels", "payload", "expires", "now"))
        {
            await insertMessage.RunAsync(cancellationToken, message.Id, message.AppId, message.EventType, message.EventId,
                StoreJson.List(message.Channels), message.Payload, Time.Ms(payloadExpiresAt), now);
        }
        var endpoints = onlyEndpointId is null
            ? await FanOutCandidatesAsync(c, t, message.AppId, cancellationToken)
            : await QueryFanOutCandidatesAsync(c, t, message.AppId, onlyEndpointId, cancellationToken);
        var created = new List<DueDelivery>();
        var leaseUntil = message.CreatedAt + (lease ?? TimeSpan.Zero);
        bool queued = false;
        Reusable? insert = null;
        try
        {
            foreach (var endpoint in endpoints)
            {
                if (onlyEndpointId is null && !endpoint.Accepts(message.EventType, message.Channels))
                {
                    continue;
                }
                if (Ordering.KeyOf(endpoint.Ordering, message) is { } key)
                {
                    long orderedId = await InsertOrderedDeliveryAsync(c, t, message, endpoint, key, now, cancellationToken);
                    created.Add(NewDelivery(message, endpoint, orderedId, message.CreatedAt) with { OrderingKey = key });
                    queued = true;
                    continue;
                }
                insert ??= _statements.Create(c, t,
                    "INSERT INTO deliveries (msg_id, app_id, endpoint_id, status, attempts, trigger_type, next_attempt_at, created_at, updated_at) VALUES (@msg, @app, @ep, @status, 0, 0, @next, @now, @now) RETURNING id",
                    "msg", "app", "ep", "status", "next", "now");
                bool held = endpoint.Breaker.Open;
                queued |= held || lease is null;
                long id = await insert.ScalarAsync(cancellationToken, message.Id, message.AppId, endpoint.Id,
                    held || lease is null ? (int)DeliveryStatus.Pending : (int)DeliveryStatus.Sending,
                    held ? Math.Max(Time.Ms(endpoint.Breaker.NextProbeAt) ?? now, now) : Time.Ms(leaseUntil), now);
                created.Add(NewDelivery(message, endpoint, id, leaseUntil));
            }
        }
        finally
        {
            insert?.Dispose();
        }
        if (queued)
        {
            await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
        }
        return created;
    }

    /// <summary>
    /// A delivery to an ordered endpoint: numbered by the endpoint's counter (in commit order: the counter's row stays
    /// locked until the transaction ends), pending, and due now only when no unfinished delivery of its key precedes
    /// it; otherwise it waits without a due time until its predecessor finishes. Never born claimed.
    /// </summary>
    private async Task<long> InsertOrderedDeliveryAsync(DbConnection c, DbTransaction t, Message message, Endpoint endpoint, string key, long now, CancellationToken ct)
    {
        long seq = await c.ExecuteScalarAsync<long>(Cmd(
            "UPDATE endpoints SET ordering_seq = ordering_seq + 1 WHERE id = @ep RETURNING ordering_seq", new { ep = endpoint.Id }, t, ct));
        long due = endpoint.Breaker.Open ? Math.Max(Time.Ms(endpoint.Breaker.NextProbeAt) ?? now, now) : now;
        return await c.ExecuteScalarAsync<long>(Cmd(
            $"""
            INSERT INTO deliveries (msg_id, app_id, endpoint_id, status, attempts, trigger_type, next_attempt_at, created_at, updated_at, ordering_key, ordering_seq)
            VALUES (@msg, @app, @ep, 1, 0, 0, CASE WHEN {KeyBusy("@ep", "@key")} THEN NULL ELSE @due END, @now, @now, @key, @seq) RETURNING id
            """, new { msg = message.Id, app = message.AppId, ep = endpoint.Id, key, due, now, seq }, t, ct));
    }

    /// <summary>A delivery just created for <paramref name="message"/>, as the dispatcher gets it when it is handed over.</summary>
    protected internal static DueDelivery NewDelivery(Message message, Endpoint endpoint, long deliveryId, DateTimeOffset leaseUntil) => new()
    {
        DeliveryId = deliveryId, MsgId = message.Id, AppId = message.AppId, EndpointId = endpoint.Id, AttemptsMade = 0,
        Trigger = TriggerType.Scheduled, EventType = message.EventType, Payload = message.Payload ?? "{}", Url = endpoint.Url,
        EndpointDisabled = false, Secrets = endpoint.SigningSecrets(message.CreatedAt).ToList(), Headers = endpoint.Headers,
        LeaseUntil = leaseUntil, ThrottleRate = endpoint.ThrottleRate, BreakerOpen = endpoint.Breaker.Open,
    };

    /// <summary>
    /// The application's enabled endpoints with their filters, read inside the message's transaction. A store
    /// that alone writes its database may cache them, dropping the cache whenever <see cref="EndpointsChanged"/> says so.
    /// Each endpoint's <see cref="Endpoint.ThrottleRate"/> is the rate its deliveries are sent at: its own, else the application's.
    /// </summary>
    protected virtual Task<IReadOnlyList<Endpoint>> FanOutCandidatesAsync(DbConnection c, DbTransaction t, string appId, CancellationToken cancellationToken) =>
        QueryFanOutCandidatesAsync(c, t, appId, null, cancellationToken);

    /// <summary>Called inside every write that can change which endpoints a message fans out to, or their throttle rates.</summary>
    protected virtual void EndpointsChanged()
    {
    }

    protected static async Task<IReadOnlyList<Endpoint>> QueryFanOutCandidatesAsync(DbConnection c, DbTransaction t, string appId, string? only, CancellationToken cancellationToken) =>
        (await c.QueryAsync<EndpointRow>(Cmd(
            """
            SELECT e.id, e.app_id, e.url, e.secret, e.retired_secrets, e.headers, e.event_types, e.channels, e.disabled,
                   COALESCE(e.throttle_rate, a.throttle_rate) AS throttle_rate, e.breaker_state, e.breaker_probe_at, e.ordering, e.ordering_on_exhaustion
            FROM endpoints e LEFT JOIN applications a ON a.id = e.app_id
            WHERE e.app_id = @app AND e.disabled = 0 AND (@only IS NULL OR e.id = @only)
            """,
            new { app = appId, only }, t, cancellationToken))).Select(r => r.ToModel()).ToList();

    public Task<Message?> GetMessageAsync(string appId, string idOrEventId, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<MessageRow>(Cmd(
            $"SELECT {MessageColumns} FROM messages m WHERE m.app_id = @appId AND m.id = @v UNION ALL SELECT {MessageColumns} FROM messages m WHERE m.app_id = @appId AND m.event_id = @v LIMIT 1",
            new { appId, v = idOrEventId }, null, cancellationToken)))?.ToModel(), cancellationToken);

    public Task<Page<Message>> ListMessagesAsync(string appId, MessageQuery query, CancellationToken cancellationToken) =>
        ReadAsync(c =>
        {
            var args = MessageFilterArgs(appId, query);
            return PageAsync<MessageRow, Message>(c,
                $"SELECT {MessageColumns} FROM messages m WHERE m.app_id = @appId AND {{0}} {MessageFilterSql(query)} ORDER BY {{1}}",
                "m.id", args, query.Page, r => WithContent(r.ToModel(), query.WithContent), m => m.Id, cancellationToken);
        }, cancellationToken);

    public Task<bool> ExpungeMessageContentAsync(string appId, string msgId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => await c.ExecuteAsync(Cmd(
            "UPDATE messages SET payload = NULL WHERE app_id = @appId AND id = @msgId", new { appId, msgId }, t, cancellationToken)) > 0, cancellationToken);

    public Task<Page<MessageDestination>> ListMessageDestinationsAsync(string appId, string msgId, PageRequest page, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var args = new DynamicParameters(new { appId, msgId });
            var rows = await PageAsync<EndpointRow, EndpointRow>(c,
                $"SELECT e.{EndpointColumns.Replace(", ", ", e.", StringComparison.Ordinal)}, d.status AS delivery_status, d.next_attempt_at FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id WHERE d.app_id = @appId AND d.msg_id = @msgId AND {{0}} ORDER BY {{1}}",
                "e.id", args, page, r => r, r => r.id, cancellationToken);
            var data = rows.Data.Select(r => new MessageDestination(r.ToModel(), (DeliveryStatus)r.delivery_status,
                r.delivery_status is 1 or 3 ? Time.At(r.next_attempt_at) : null)).ToList();
            return new Page<MessageDestination>(data, rows.Iterator, rows.PrevIterator, rows.Done);
        }, cancellationToken);

    public Task<Page<EndpointMessage>> ListEndpointMessagesAsync(string appId, string endpointId, MessageQuery query, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var args = MessageFilterArgs(appId, query);
            args.Add("endpointId", endpointId);
            string status = query.Status is null ? "" : " AND d.status = @status";
            var rows = await PageAsync<MessageRow, MessageRow>(c,
                $"SELECT {MessageColumns}, d.status, d.next_attempt_at FROM deliveries d JOIN messages m ON m.id = d.msg_id WHERE d.app_id = @appId AND d.endpoint_id = @endpointId AND {{0}} {MessageFilterSql(query)}{status} ORDER BY {{1}}",
                "m.id", args, query.Page, r => r, r => r.id, cancellationToken);
            var data = rows.Data.Select(r => new EndpointMessage(WithContent(r.ToModel(), query.WithContent), (DeliveryStatus)r.status,
                r.status is 1 or 3 ? Time.At(r.next_attempt_at) : null)).ToList();
            return new Page<EndpointMessage>(data, rows.Iterator, rows.PrevIterator, rows.Done);
        }, cancellationToken);

    public Task<bool> ResendAsync(string appId, string msgId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var exists = await c.ExecuteScalarAsync<long>(Cmd(
                "SELECT (SELECT COUNT(*) FROM messages WHERE app_id = @appId AND id = @msgId) * (SELECT COUNT(*) FROM endpoints WHERE app_id = @appId AND id = @endpointId)",
                new { appId, msgId, endpointId }, t, cancellationToken));
            if (exists == 0)
            {
                return false;
            }
            await c.ExecuteAsync(Cmd(
                $"""
                INSERT INTO deliveries (msg_id, app_id, endpoint_id, status, attempts, trigger_type, next_attempt_at, created_at, updated_at)
                VALUES (@msgId, @appId, @endpointId, {StoredStatus.Pending}, 0, 1, @now, @now, @now)
                ON CONFLICT (msg_id, endpoint_id) DO UPDATE SET status = {StoredStatus.Pending}, trigger_type = 1, next_attempt_at = @now, updated_at = @now
                """, new { appId, msgId, endpointId, now = Time.Ms(now) }, t, cancellationToken));
            await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            return true;
        }, cancellationToken);

    private static Message WithContent(Message m, bool withContent) => withContent ? m : m with { Payload = null };

    private string MessageFilterSql(MessageQuery q) =>
        (q.Channel is null ? "" : " AND " + JsonArrayContains("m.channels", "@channel"))
        + (q.Before is null ? "" : " AND m.created_at < @before")
        + (q.After is null ? "" : " AND m.created_at > @after")
        + (q.EventTypes is { Count: > 0 } ? " AND " + InList("m.event_type", "@eventTypes") : "");

    private static DynamicParameters MessageFilterArgs(string appId, MessageQuery q) => new(new
    {
        appId, channel = q.Channel, before = Time.Ms(q.Before), after = Time.Ms(q.After), eventTypes = q.EventTypes?.ToArray(), status = (int?)q.Status,
    });
}
