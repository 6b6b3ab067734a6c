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
        var start = new ProcessStartInfo("bash", [script, "start"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["HERALD_PG_DIR"] = DurableDirectory;
        start.Environment["HERALD_PG_FSYNC"] = "on";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        string line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("export HERALD_TEST_POSTGRES=", StringComparison.Ordinal)) ?? "";
        if (process.ExitCode != 0 || line.Length == 0)
        {
            return (null, $"scripts/postgres.sh failed: {(await stderr).Trim()}");
        }
        return (new Postgres(line["export HERALD_TEST_POSTGRES=".Length..].Trim('\'', '"')), $"scripts/postgres.sh, durable, in {DurableDirectory}");
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
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", connection))
            {
                await drop.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{db}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        Created.Add(db);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = db }.ConnectionString;
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
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // Leftover databases are harmless; the next run drops them by name.
        }
    }

    /// <summary>Server version and the settings that decide durability, for the report.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')", connection);
        return (string)(await cmd.ExecuteScalarAsync(cancellationToken) ?? "");
    }
}
