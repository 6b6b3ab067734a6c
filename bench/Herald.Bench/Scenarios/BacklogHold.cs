using Herald.Bench.Targets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Keeps a built backlog from being sent while a newly started server warms up, without touching the backlog itself:
/// the application's endpoints are marked in the store as open breakers whose probe is a year away, which claims leave
/// alone as they leave any open endpoint's backlog, and are marked closed again to release it. No delivery row is
/// rewritten, so a warmed drain reads the queue exactly as the ingest left it, as a drain on a new server does. This
/// writes Herald's endpoint columns directly (<c>breaker_state</c>, <c>breaker_probe_at</c>, ...), as the bench's
/// other store probes read its tables.
/// </summary>
internal static class BacklogHold
{
    private const string Hold =
        "UPDATE endpoints SET breaker_state = 1, breaker_failures = 0, breaker_probes = 0, breaker_opened_at = @now, breaker_probe_at = @far WHERE app_id = @app";

    private const string Release =
        "UPDATE endpoints SET breaker_state = 0, breaker_failures = 0, breaker_probes = 0, breaker_opened_at = NULL, breaker_probe_at = NULL WHERE app_id = @app";

    /// <summary>Holds the application's backlog; returns how many endpoints it marked.</summary>
    public static Task<int> HoldAsync(HeraldStore store, string appId, CancellationToken cancellationToken) =>
        ExecuteAsync(store, Hold, appId, wake: false, cancellationToken);

    /// <summary>
    /// Releases the application's backlog. On PostgreSQL the dispatchers are woken as a commit of new work wakes them;
    /// on SQLite the dispatcher finds it at its next poll (at most <c>Herald:Delivery:PollInterval</c> later).
    /// </summary>
    public static Task<int> ReleaseAsync(HeraldStore store, string appId, CancellationToken cancellationToken) =>
        ExecuteAsync(store, Release, appId, wake: true, cancellationToken);

    private static async Task<int> ExecuteAsync(HeraldStore store, string sql, string appId, bool wake, CancellationToken cancellationToken)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long far = DateTimeOffset.UtcNow.AddDays(365).ToUnixTimeMilliseconds();
        int changed;
        if (store.IsPostgres)
        {
            await using var pg = new NpgsqlConnection(store.ConnectionString);
            await pg.OpenAsync(cancellationToken);
            await using (var command = new NpgsqlCommand(sql, pg))
            {
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("far", far);
                command.Parameters.AddWithValue("app", appId);
                changed = await command.ExecuteNonQueryAsync(cancellationToken);
            }
            if (wake)
            {
                await using var notify = new NpgsqlCommand("NOTIFY herald_deliveries", pg);
                await notify.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(store.ConnectionString) { Pooling = false, DefaultTimeout = 30 };
            await using var sqlite = new SqliteConnection(builder.ConnectionString);
            await sqlite.OpenAsync(cancellationToken);
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@now", now);
            command.Parameters.AddWithValue("@far", far);
            command.Parameters.AddWithValue("@app", appId);
            changed = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (changed == 0)
        {
            throw new InvalidOperationException($"No endpoint of application {appId} was found in the store to hold or release.");
        }
        return changed;
    }
}
