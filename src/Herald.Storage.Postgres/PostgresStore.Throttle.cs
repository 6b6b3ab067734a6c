using Dapper;

namespace Herald.Storage.Postgres;

/// <summary>
/// The cluster-wide throttle: one row per throttled endpoint and second (an unlogged table: losing it in a crash
/// only forgets what was sent in the last second). A send takes one unit of the second's budget in one statement;
/// when the budget is spent the statement updates nothing and the sender waits for the next second.
/// </summary>
public sealed partial class PostgresStore : IClusterThrottle
{
    /// <summary>Seconds a budget row is kept before a later take of the same endpoint deletes it.</summary>
    private const long KeepSeconds = 60;

    public Task<DateTimeOffset?> TryTakeAsync(string endpointId, int perSecond, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync<DateTimeOffset?>(async (c, t) =>
        {
            long second = now.ToUnixTimeSeconds();
            int? used = await c.ExecuteScalarAsync<int?>(new CommandDefinition(
                """
                INSERT INTO throttle_budget (endpoint_id, second, used) VALUES (@endpointId, @second, 1)
                ON CONFLICT (endpoint_id, second) DO UPDATE SET used = throttle_budget.used + 1 WHERE throttle_budget.used < @perSecond
                RETURNING used
                """, new { endpointId, second, perSecond }, t, cancellationToken: cancellationToken));
            if (used == 1)
            {
                // The first take of a second clears this endpoint's old seconds: the table holds about a minute per endpoint.
                await c.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM throttle_budget WHERE endpoint_id = @endpointId AND second < @old",
                    new { endpointId, old = second - KeepSeconds }, t, cancellationToken: cancellationToken));
            }
            return used is null ? DateTimeOffset.FromUnixTimeSeconds(second + 1) : null;
        }, cancellationToken);
}
