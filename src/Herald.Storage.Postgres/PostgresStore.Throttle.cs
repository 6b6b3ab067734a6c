using Npgsql;

namespace Herald.Storage.Postgres;

/// <summary>
/// The cluster-wide throttle as one schedule per throttled endpoint: a row holds the time of the endpoint's next
/// free turn (µs). Turns are reserved in consecutive runs, in one statement that moves the row on by one interval
/// (1 / rate) per turn, and each sender waits for its turn; a turn in the past (the endpoint was quiet) is now. Every
/// node reserves from the same row, so together they send on one evenly spaced schedule: any second, wherever it
/// starts, holds at most the rate plus one send, however many nodes send. A reservation is kept: each send asks
/// once, so waiting senders cost nothing. A turn later than the askers can use (their leases would run out) is not
/// reserved: a reserved turn nobody sends at would be a gap in the endpoint's schedule.
/// The statement runs on its own (no transaction around it), so the row is locked only while it runs, not for a
/// round trip to the node: one hot row serves every node. The table is unlogged: a crash only forgets the schedule.
/// </summary>
public sealed partial class PostgresStore : IClusterThrottle
{
    public Task<ThrottleTurns> TakeTurnsAsync(
        string endpointId, int perSecond, int count, DateTimeOffset now, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var spacing = ThrottleTurns.SpacingOf(perSecond);
        long interval = spacing.Ticks / 10;
        long nowMicros = Micros(now);
        long latestMicros = Math.Max(nowMicros, Micros(latest));
        // A reservation that is repeated after a lost answer only leaves a gap: it may run as a read does.
        return ReadAsync(async connection =>
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)connection)
            {
                BatchCommands =
                {
                    new("INSERT INTO throttle_pace (endpoint_id, next_turn) VALUES ($1, 0) ON CONFLICT (endpoint_id) DO NOTHING") { Parameters = { new() { Value = endpointId } } },
                    // start > latest (>= now) means start is the row's own next turn: nothing granted, nothing moved.
                    new(
                        """
                        WITH cur AS (SELECT GREATEST(next_turn, $2) AS start FROM throttle_pace WHERE endpoint_id = $1 FOR UPDATE),
                             n AS (SELECT start, CASE WHEN start > $3 THEN 0 ELSE LEAST($4, ($3 - start) / $5 + 1) END AS granted FROM cur)
                        UPDATE throttle_pace p SET next_turn = n.start + (n.granted * $5) FROM n WHERE p.endpoint_id = $1
                        RETURNING n.start, n.granted
                        """)
                    {
                        Parameters =
                        {
                            new() { Value = endpointId }, new() { Value = nowMicros }, new() { Value = latestMicros }, new() { Value = (long)count },
                            new() { Value = interval },
                        },
                    },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"The throttle schedule of endpoint {endpointId} was not found after it was created.");
            }
            return new ThrottleTurns(At(reader.GetInt64(0)), (int)reader.GetInt64(1), spacing);
        }, cancellationToken);
    }

    private static long Micros(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static DateTimeOffset At(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
