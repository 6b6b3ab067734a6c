using Dapper;
using Npgsql;

namespace Herald.Storage.Postgres;

/// <summary>
/// Cluster-wide broadcasts over LISTEN/NOTIFY for what every node should see, such as the dashboard's live tail. A
/// broadcast is best effort: a listener that is reconnecting misses what was sent meanwhile.
/// </summary>
public sealed partial class PostgresStore : IClusterBroadcast
{
    /// <summary>The channel of the live tail: stored delivery outcomes of every node.</summary>
    public const string TailChannel = IClusterBroadcast.TailChannel;

    /// <summary>PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.</summary>
    public const int MaxBroadcastBytes = 7_900;

    int IClusterBroadcast.MaxPayloadBytes => MaxBroadcastBytes;

    private const string TailWatchedKey = "tail.watched-until";

    /// <summary>Sends <paramref name="payload"/> (at most <see cref="MaxBroadcastBytes"/> of UTF-8) to every listener of <paramref name="channel"/>.</summary>
    public async Task BroadcastAsync(string channel, string payload, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @payload)", new { channel, payload }, cancellationToken: cancellationToken));
    }

    /// <summary>Says that someone on some node follows the live tail until <paramref name="until"/>, so that every node publishes its outcomes.</summary>
    public Task WatchTailAsync(DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settings (key, value) VALUES (@key, @until) ON CONFLICT (key)
            DO UPDATE SET value = GREATEST(settings.value::bigint, excluded.value::bigint)::text
            """, new { key = TailWatchedKey, until = until.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }, t, cancellationToken: cancellationToken)),
            cancellationToken);

    /// <summary>Until when some node's live tail is followed; null when never.</summary>
    public async Task<DateTimeOffset?> TailWatchedUntilAsync(CancellationToken cancellationToken) =>
        await GetSettingAsync(TailWatchedKey, cancellationToken) is { } value && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out long ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
