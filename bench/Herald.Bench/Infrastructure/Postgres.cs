using System.Diagnostics;
using Npgsql;

namespace Herald.Bench.Infrastructure;

/// <summary>
/// The PostgreSQL the bench uses: the one given with <c>--postgres</c>, else a private durable one that
/// scripts/postgres.sh starts for the bench alone (fsync=on, synchronous_commit=on, in its own folder, so the tests'
/// fast throwaway instance is never measured by accident). Whatever it is, the report states its durability settings.
/// </summary>
internal sealed class Postgres(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    public static async Task<(Postgres? Pg, string Why)> FindAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.NoPostgres)
        {
            return (null, "--no-postgres");
        }
        if (options.Postgres is { Length: > 0 } given)
        {
            return (new Postgres(given), "--postgres");
        }
        string script = Path.Combine(Repo.Root, "scripts", "postgres.sh");
        if (!File.Exists(script))
        {
            return (null, "no --postgres, no HERALD_TEST_POSTGRES and no scripts/postgres.sh");
        }
        var (exit, stdout, stderr) = await RunScriptAsync(script, "start", cancellationToken);
        var pg = exit == 0 ? Parse(stdout) : null;
        if (pg is not null && !await pg.HasServerSettingsAsync(cancellationToken))
        {
            // Found running with other settings (started by hand, or by an older bench): start it again with ours.
            NpgsqlConnection.ClearAllPools(); // their connections die with the server
            (exit, stdout, stderr) = await RunScriptAsync(script, "restart", cancellationToken);
            pg = exit == 0 ? Parse(stdout) : null;
        }
        return pg is null
            ? (null, $"scripts/postgres.sh failed: {stderr.Trim()}")
            : (pg, $"scripts/postgres.sh, durable, in {DurableDirectory}");
    }

    /// <summary>
    /// The durable server's settings besides fsync and synchronous_commit: memory and checkpoints as a production
    /// server of this size would have them (the script's defaults are sized for the tests' throwaway instance).
    /// With the default 1 GB of WAL between checkpoints, a checkpoint starts every few seconds under load, and the
    /// full-page images written after each one multiply the WAL; figures would depend on where in that cycle each
    /// step happened to run.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> ServerSettings { get; } =
        [("shared_buffers", "1GB"), ("max_wal_size", "8GB"), ("checkpoint_timeout", "15min")];

    private static async Task<(int Exit, string Stdout, string Stderr)> RunScriptAsync(string script, string verb, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", [script, verb]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["HERALD_PG_DIR"] = DurableDirectory;
        start.Environment["HERALD_PG_FSYNC"] = "on";
        start.Environment["HERALD_PG_SETTINGS"] = string.Join(' ', ServerSettings.Select(s => $"-c {s.Name}={s.Value}"));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static Postgres? Parse(string stdout)
    {
        const string prefix = "export HERALD_TEST_POSTGRES=";
        string line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? "";
        return line.Length == 0 ? null : new Postgres(line[prefix.Length..].Trim('\'', '"'));
    }

    private async Task<bool> HasServerSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var (name, value) in ServerSettings)
        {
            await using var cmd = new NpgsqlCommand($"SELECT current_setting('{name}')", connection);
            if (!string.Equals((string?)await cmd.ExecuteScalarAsync(cancellationToken), value, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Where the bench's own durable PostgreSQL lives; <c>HERALD_PG_DIR=… scripts/postgres.sh stop</c> stops it.</summary>
    public static string DurableDirectory { get; } = Path.Combine(Path.GetTempPath(), "herald-pg-bench-durable");

    /// <summary>Creates an empty database for one scenario and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        string db = ("herald_bench_" + name + "_" + Environment.ProcessId).ToLowerInvariant().Replace('-', '_');
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await DropAsync(connection, db, cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{db}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        Created.Add(db);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = db }.ConnectionString;
    }

    /// <summary>
    /// Drops a database left by an earlier round or run. FORCE ends the sessions in it, but the bench's role may not end
    /// an autovacuum worker (42501), which a drained database often has for a second or two: wait for it and try again.
    /// </summary>
    private static async Task DropAsync(NpgsqlConnection connection, string db, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Drops a scenario's database as soon as the scenario is done with it, so that autovacuum does not clean up after
    /// a finished drain while a later one is timed (it visits every database about once a minute, so whether it lands
    /// in a drain, and which, would differ from run to run).
    /// </summary>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        string db = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "";
        if (!Created.Remove(db))
        {
            return;
        }
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled); // its sessions end with the database
        }
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await DropAsync(connection, db, cancellationToken);
    }

    /// <summary>
    /// Vacuums and analyzes a freshly built store, as pgbench does before each run: the backlog's rows then have their
    /// hint bits and visibility set and the planner knows its size, so neither the first reads of a drain nor an
    /// autovacuum worker that picks up the fresh table part-way through do that work inside the timed window.
    /// </summary>
    public static async Task VacuumAnalyzeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 1800 };
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many times autovacuum has vacuumed and analyzed the tables of a store's database so far.</summary>
    public static async Task<(long Vacuums, long Analyzes)> AutovacuumCountsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var counts = new NpgsqlCommand(
            "SELECT COALESCE(SUM(autovacuum_count), 0)::bigint, COALESCE(SUM(autoanalyze_count), 0)::bigint FROM pg_stat_user_tables", connection);
        await using var reader = await counts.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private List<string> Created { get; } = [];

    public async Task DropCreatedAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            foreach (var db in Created)
            {
                await DropAsync(connection, db, CancellationToken.None);
            }
        }
        catch (NpgsqlException)
        {
            // Leftover databases are harmless; the next run drops them by name.
        }
    }

    /// <summary>Server version, the settings that decide durability and those that size it, for the report.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(
            "SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')"
            + " || ', full_page_writes=' || current_setting('full_page_writes') || ', shared_buffers=' || current_setting('shared_buffers')"
            + " || ', max_wal_size=' || current_setting('max_wal_size') || ', checkpoint_timeout=' || current_setting('checkpoint_timeout')", connection);
        return (string)(await cmd.ExecuteScalarAsync(cancellationToken) ?? "");
    }
}
