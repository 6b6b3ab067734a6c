using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    private const string EndpointColumns =
        "id, app_id, uid, url, description, disabled, disabled_reason, event_types, channels, throttle_rate, metadata, headers, secret, retired_secrets, failing_since, created_at, updated_at, ordering, ordering_on_exhaustion";

    // Read with the endpoint; written only by the dispatcher's result writes (see RelationalStore.Breakers).
    private const string BreakerColumns = "breaker_state, breaker_failures, breaker_opened_at, breaker_probe_at, breaker_probes";

    public Task CreateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken) =>
        WriteUniqueAsync($"An endpoint with uid '{endpoint.Uid}' already exists in this application.", (c, t) => Changing(c).ExecuteAsync(Cmd(
            $"INSERT INTO endpoints ({EndpointColumns}) VALUES (@id, @app_id, @uid, @url, @description, @disabled, @disabled_reason, @event_types, @channels, @throttle_rate, @metadata, @headers, @secret, @retired_secrets, @failing_since, @created_at, @updated_at, @ordering, @ordering_on_exhaustion)",
            EndpointArgs(endpoint), t, cancellationToken)), cancellationToken);

    public Task<Endpoint?> GetEndpointAsync(string appId, string idOrUid, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<EndpointRow>(Cmd(
            $"SELECT {EndpointColumns}, {BreakerColumns} FROM endpoints WHERE app_id = @appId AND id = @v UNION ALL SELECT {EndpointColumns}, {BreakerColumns} FROM endpoints WHERE app_id = @appId AND uid = @v LIMIT 1",
            new { appId, v = idOrUid }, null, cancellationToken)))?.ToModel(), cancellationToken);

    public Task<Page<Endpoint>> ListEndpointsAsync(string appId, PageRequest page, CancellationToken cancellationToken) =>
        ReadAsync(c => PageAsync<EndpointRow, Endpoint>(c, $"SELECT {EndpointColumns}, {BreakerColumns} FROM endpoints WHERE app_id = @appId AND {{0}} ORDER BY {{1}}", "id",
            new DynamicParameters(new { appId }), page, r => r.ToModel(), e => e.Id, cancellationToken), cancellationToken);

    public Task UpdateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken) =>
        WriteUniqueAsync($"An endpoint with uid '{endpoint.Uid}' already exists in this application.", (c, t) => Changing(c).ExecuteAsync(Cmd(
            """
            UPDATE endpoints SET uid = @uid, url = @url, description = @description, disabled = @disabled, disabled_reason = @disabled_reason,
              event_types = @event_types, channels = @channels, throttle_rate = @throttle_rate, metadata = @metadata, headers = @headers,
              secret = @secret, retired_secrets = @retired_secrets, failing_since = @failing_since, updated_at = @updated_at,
              ordering = @ordering, ordering_on_exhaustion = @ordering_on_exhaustion
            WHERE id = @id AND app_id = @app_id
            """, EndpointArgs(endpoint), t, cancellationToken)), cancellationToken);

    public Task<bool> DeleteEndpointAsync(string appId, string endpointId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            EndpointsChanged();
            var args = new { appId, endpointId };
            await c.ExecuteAsync(Cmd("DELETE FROM attempts WHERE app_id = @appId AND endpoint_id = @endpointId", args, t, cancellationToken));
            await c.ExecuteAsync(Cmd("DELETE FROM deliveries WHERE app_id = @appId AND endpoint_id = @endpointId", args, t, cancellationToken));
            return await c.ExecuteAsync(Cmd("DELETE FROM endpoints WHERE app_id = @appId AND id = @endpointId", args, t, cancellationToken)) > 0;
        }, cancellationToken);

    public Task<EndpointStats> GetEndpointStatsAsync(string appId, string endpointId, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var rows = await c.QueryAsync<(long status, long n)>(Cmd(
                """
                SELECT status, COUNT(*) AS n FROM deliveries
                WHERE app_id = @appId AND endpoint_id = @endpointId AND created_at >= @since AND created_at < @until
                GROUP BY status
                """, new { appId, endpointId, since = Time.Ms(since) ?? 0, until = Time.Ms(until) ?? long.MaxValue }, null, cancellationToken));
            var counts = rows.ToDictionary(r => (DeliveryStatus)r.status, r => r.n);
            return new EndpointStats(
                counts.GetValueOrDefault(DeliveryStatus.Success), counts.GetValueOrDefault(DeliveryStatus.Pending),
                counts.GetValueOrDefault(DeliveryStatus.Fail), counts.GetValueOrDefault(DeliveryStatus.Sending));
        }, cancellationToken);

    public Task<int> RecoverEndpointAsync(string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            int recovered = await c.ExecuteAsync(Cmd(
                $"""
                UPDATE deliveries SET status = {StoredStatus.Pending}, next_attempt_at = @now, trigger_type = 1, updated_at = @now
                WHERE app_id = @appId AND endpoint_id = @endpointId AND status = {StoredStatus.Fail} AND created_at >= @since AND created_at < @until
                """, new { appId, endpointId, since = Time.Ms(since), until = Time.Ms(until) ?? long.MaxValue, now = Time.Ms(now) }, t, cancellationToken));
            if (recovered > 0)
            {
                await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            }
            return recovered;
        }, cancellationToken);

    /// <summary>Marks the fan-out cache stale, then hands the connection on.</summary>
    private DbConnection Changing(DbConnection c)
    {
        EndpointsChanged();
        return c;
    }

    private static object EndpointArgs(Endpoint e) => new
    {
        id = e.Id, app_id = e.AppId, uid = e.Uid, url = e.Url, description = e.Description, disabled = e.Disabled ? 1 : 0,
        disabled_reason = e.DisabledReason, event_types = StoreJson.List(e.EventTypes), channels = StoreJson.List(e.Channels),
        throttle_rate = e.ThrottleRate, metadata = StoreJson.Map(e.Metadata), headers = StoreJson.Map(e.Headers), secret = e.Secret,
        retired_secrets = StoreJson.Secrets(e.RetiredSecrets), failing_since = Time.Ms(e.FailingSince),
        created_at = Time.Ms(e.CreatedAt), updated_at = Time.Ms(e.UpdatedAt), ordering = (int)e.Ordering, ordering_on_exhaustion = (int)e.OrderingOnExhaustion,
    };
}
