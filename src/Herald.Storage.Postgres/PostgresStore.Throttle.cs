using Dapper;

namespace Herald.Storage.Postgres;

/// <summary>
/// The cluster-wide throttle as one schedule per throttled endpoint: a row holds the time of the endpoint's next
/// free turn (µs). A send reserves the next turn in one statement, which moves the row on by one interval
/// (1 / rate), and the sender waits for its turn; a turn in the past (the endpoint was quiet) is now. Every node
/// reserves from the same row, so together they send on one evenly spaced schedule: any second, wherever it
/// starts, holds at most the rate plus one send, however many nodes send. A reservation is kept: each send asks
/// once, so waiting senders cost nothing. A turn later than the asker can use (its lease would run out) is not
/// reserved: a reserved turn nobody sends at would be a gap in the endpoint's schedule. The table is unlogged: a
/// crash only forgets the schedule.
/// </summary>
public sealed partial class PostgresStore : IClusterThrottle
{
    public Task<ThrottleTurn> TakeTurnAsync(string endpointId, int perSecond, DateTimeOffset now, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        long interval = Math.Max(1, 1_000_000 / perSecond);
        long nowMicros = Micros(now);
        long latestMicros = Math.Max(nowMicros, Micros(latest));
        return WriteBookkeepingAsync(async (c, t) =>
        {
            long? turn = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO throttle_pace (endpoint_id, next_turn) VALUES (@endpointId, @now + @interval)
                ON CONFLICT (endpoint_id) DO UPDATE SET next_turn = GREATEST(throttle_pace.next_turn, @now) + @interval
                WHERE GREATEST(throttle_pace.next_turn, @now) <= @latest
                RETURNING next_turn - @interval
                """, new { endpointId, now = nowMicros, latest = latestMicros, interval }, t, cancellationToken: cancellationToken));
            if (turn is { } granted)
            {
                return new ThrottleTurn(At(granted), Granted: true);
            }
            long next = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT next_turn FROM throttle_pace WHERE endpoint_id = @endpointId", new { endpointId }, t, cancellationToken: cancellationToken));
            return new ThrottleTurn(At(next), Granted: false);
        }, cancellationToken);
    }

    private static long Micros(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static DateTimeOffset At(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
