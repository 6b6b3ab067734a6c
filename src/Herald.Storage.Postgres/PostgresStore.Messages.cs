using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>
    /// One statement does what the shared path does in one round trip per row: it inserts the message, picks the
    /// application's enabled endpoints whose event-type and channel filters accept it, inserts their deliveries,
    /// and returns them with what sending needs (a delivery to an endpoint whose breaker is open is pending, due at its
    /// next probe, whatever <paramref name="lease"/> says). Every message costs the same two round trips (the statement, with
    /// BEGIN in front, and COMMIT) however many endpoints it fans out to.
    /// <para>
    /// The row of an endpoint read with an open breaker is locked and read again (FOR SHARE; an ordered endpoint's
    /// row is locked by the update of its sequence counter, which returns the row as it is then): a result write
    /// closing that breaker at this moment holds it, so the message waits for the close and then sees it, and is due
    /// now. Without the lock it would be inserted held until the old probe time, after the close had already made the
    /// endpoint's held deliveries due. Other endpoints are not locked, so ingest and result writes do not wait for each other.
    /// </para>
    /// </summary>
    protected override async Task<IReadOnlyList<DueDelivery>> InsertMessageAsync(
        DbConnection c, DbTransaction t, Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, TimeSpan? lease, CancellationToken cancellationToken)
    {
        var leaseUntil = message.CreatedAt + (lease ?? TimeSpan.Zero);
        long now = message.CreatedAt.ToUnixTimeMilliseconds();
        var rows = await c.QueryAsync<EndpointRow>(new CommandDefinition(
            $"""
            WITH m AS (
                INSERT INTO messages (id, app_id, event_type, event_id, channels, payload, payload_expires_at, created_at)
                VALUES (@id, @app, @type, @eventId, @channels, @payload, @expires, @now)),
            e AS (
                SELECT e.id, e.app_id, e.url, e.secret, e.retired_secrets, e.headers, e.event_types, e.channels, e.disabled,
                       COALESCE(e.throttle_rate, a.throttle_rate) AS throttle_rate, e.breaker_state, e.breaker_probe_at, e.ordering, e.ordering_on_exhaustion
                FROM endpoints e LEFT JOIN applications a ON a.id = e.app_id
                WHERE e.app_id = @app AND e.disabled = 0
                  AND (CASE WHEN @only::text IS NOT NULL THEN e.id = @only
                            ELSE (e.event_types IS NULL OR jsonb_array_length(e.event_types::jsonb) = 0 OR e.event_types::jsonb ? @type)
                             AND (e.channels IS NULL OR jsonb_array_length(e.channels::jsonb) = 0 OR e.channels::jsonb ?| @messageChannels) END)),
            o AS (
                UPDATE endpoints SET ordering_seq = endpoints.ordering_seq + 1 FROM e
                WHERE endpoints.id = e.id AND e.ordering <> 0
                RETURNING endpoints.id, endpoints.ordering_seq, endpoints.breaker_state, endpoints.breaker_probe_at),
            h AS (
                SELECT x.id, x.breaker_state, x.breaker_probe_at FROM endpoints x
                WHERE x.id IN (SELECT id FROM e WHERE e.breaker_state = 1 AND e.ordering = 0) FOR SHARE),
            k AS (
                SELECT e.id, e.app_id, e.url, e.secret, e.retired_secrets, e.headers, e.event_types, e.channels, e.disabled, e.throttle_rate,
                       COALESCE(o.breaker_state, h.breaker_state, e.breaker_state) AS breaker_state,
                       COALESCE(o.breaker_probe_at, h.breaker_probe_at, e.breaker_probe_at) AS breaker_probe_at,
                       e.ordering, e.ordering_on_exhaustion, o.ordering_seq AS seq,
                       CASE e.ordering WHEN 1 THEN '' WHEN 2 THEN @firstChannel WHEN 3 THEN @orderingKey END AS okey
                FROM e LEFT JOIN o ON o.id = e.id LEFT JOIN h ON h.id = e.id),
            d AS (
                INSERT INTO deliveries (msg_id, app_id, endpoint_id, status, attempts, trigger_type, next_attempt_at, created_at, updated_at, lease_owner,
                                        ordering_key, ordering_seq)
                SELECT @id, @app, k.id, CASE WHEN k.breaker_state = 1 OR k.okey IS NOT NULL THEN {StoredStatus.Pending} ELSE @status END, 0, 0,
                       CASE WHEN k.okey IS NOT NULL AND {KeyBusy("k.id", "k.okey")} THEN NULL
                            WHEN k.breaker_state = 1 THEN GREATEST(k.breaker_probe_at, @now)
                            WHEN k.okey IS NOT NULL THEN @now
                            ELSE @next END, @now, @now,
                       CASE WHEN k.breaker_state = 1 OR k.okey IS NOT NULL THEN NULL ELSE @owner END, k.okey, k.seq FROM k
                RETURNING id, endpoint_id, ordering_key)
            SELECT d.id AS delivery_id, d.ordering_key AS delivery_ordering_key, k.id, k.app_id, k.url, k.secret, k.retired_secrets, k.headers,
                   k.event_types, k.channels, k.disabled, k.throttle_rate, k.breaker_state, k.breaker_probe_at, k.ordering, k.ordering_on_exhaustion
            FROM d JOIN k ON k.id = d.endpoint_id ORDER BY d.id
            """,
            new
            {
                id = message.Id, app = message.AppId, type = message.EventType, eventId = message.EventId, channels = StoreJson.List(message.Channels),
                payload = message.Payload, expires = payloadExpiresAt?.ToUnixTimeMilliseconds(), now, only = onlyEndpointId,
                messageChannels = (message.Channels ?? []).ToArray(),
                status = lease is null ? (int)DeliveryStatus.Pending : (int)DeliveryStatus.Sending, next = leaseUntil.ToUnixTimeMilliseconds(),
                owner = lease is null ? null : NodeId,
                firstChannel = message.Channels is { Count: > 0 } channels ? channels[0] : "", orderingKey = message.OrderingKey ?? "",
            }, t, cancellationToken: cancellationToken));
        var created = rows.Select(r => NewDelivery(message, r.ToModel(), r.delivery_id, r.delivery_ordering_key is null ? leaseUntil : message.CreatedAt)
            with { OrderingKey = r.delivery_ordering_key }).ToList();
        if (created.Count > 0 && (lease is null || created.Exists(d => d.BreakerOpen || d.OrderingKey is not null)))
        {
            await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
        }
        return created;
    }
}
