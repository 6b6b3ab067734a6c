using System.Diagnostics;
using Npgsql;

namespace Herald.Bench.Infrastructure;

/// <summary>The PostgreSQL the bench uses: given, from the environment, or the project's private one (scripts/postgres.sh).</summary>
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
        if (Environment.GetEnvironmentVariable("HERALD_TEST_POSTGRES") is { Length: > 0 } fromEnv)
        {
            return (new Postgres(fromEnv), "HERALD_TEST_POSTGRES");
        }
        string script = Path.Combine(Repo.Root, "scripts", "postgres.sh");
        if (!File.Exists(script))
        {
            return (null, "no --postgres, no HERALD_TEST_POSTGRES and no scripts/postgres.sh");
        }
        var start = new ProcessStartInfo("bash", [script, "start"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        string line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("export HERALD_TEST_POSTGRES=", StringComparison.Ordinal)) ?? "";
        if (process.ExitCode != 0 || line.Length == 0)
        {
            return (null, $"scripts/postgres.sh failed: {(await stderr).Trim()}");
        }
        return (new Postgres(line["export HERALD_TEST_POSTGRES=".Length..].Trim('\'', '"')), "scripts/postgres.sh");
    }

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
