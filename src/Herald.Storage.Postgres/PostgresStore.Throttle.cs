using Dapper;

namespace Herald.Storage.Postgres;

/// <summary>
/// The cluster-wide throttle, paced as a virtual schedule (a generic cell rate algorithm): one row per throttled
/// endpoint holds the time its next send is due (<c>tat</c>, µs). A send is granted when that time is at most a small
/// tolerance away, and moves it one interval (1 / rate) on; otherwise the sender asks again when it comes. All nodes
/// take from the one row in one statement each, so together they send on one evenly spaced schedule: any second holds
/// at most the rate plus two sends, whatever the number of nodes and wherever the second starts. The table is
/// unlogged: losing it in a crash only forgets the schedule, and the next send starts a new one.
/// </summary>
public sealed partial class PostgresStore : IClusterThrottle
{
    /// <summary>The most a send may come ahead of its turn, so that sends arriving a little early keep the schedule.</summary>
    private const long MaxToleranceMicros = 20_000;

    public Task<DateTimeOffset?> TryTakeAsync(string endpointId, int perSecond, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        long interval = Math.Max(1, 1_000_000 / perSecond);
        long tolerance = Math.Min(interval, MaxToleranceMicros);
        long nowMicros = (now - DateTimeOffset.UnixEpoch).Ticks / 10;
        return WriteBookkeepingAsync<DateTimeOffset?>(async (c, t) =>
        {
            // 0 when granted, else the turn's time: the row is read in the statement's snapshot, before the update.
            // -1 when another node created the row after that snapshot and took the turn: ask again at once.
            long turn = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                WITH taken AS (
                    INSERT INTO throttle_pace (endpoint_id, tat) VALUES (@endpointId, @now + @interval)
                    ON CONFLICT (endpoint_id) DO UPDATE SET tat = GREATEST(throttle_pace.tat, @now) + @interval
                    WHERE throttle_pace.tat <= @now + @tolerance
                    RETURNING 0 AS granted)
                SELECT COALESCE((SELECT granted FROM taken), (SELECT tat FROM throttle_pace WHERE endpoint_id = @endpointId), -1)
                """, new { endpointId, now = nowMicros, interval, tolerance }, t, cancellationToken: cancellationToken));
            return turn switch
            {
                0 => null,
                -1 => now,
                _ => DateTimeOffset.UnixEpoch.AddTicks(Math.Max(turn - tolerance, nowMicros) * 10),
            };
        }, cancellationToken);
    }
}
