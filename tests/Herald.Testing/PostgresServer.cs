using System.Diagnostics;
using Npgsql;

namespace Herald.Testing;

/// <summary>
/// Finds the PostgreSQL server for the tests: HERALD_TEST_POSTGRES when set, otherwise the private instance
/// that scripts/postgres.sh starts (and reports). Never skips: when neither works the tests fail saying how to fix it.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "HERALD_TEST_POSTGRES";

    private const string HowTo =
        "The PostgreSQL tests need a server. Either run `scripts/postgres.sh` (it starts a private PostgreSQL 15 from " +
        "/usr/lib/postgresql/15/bin; install it with `apt-get install postgresql-15`) and let the tests use it, or set " +
        "HERALD_TEST_POSTGRES to a connection string of a role with CREATEDB, e.g. " +
        "'Host=127.0.0.1;Port=5432;Username=herald;Password=herald;Database=herald_test'.";

    private static readonly Lazy<Task<string>> Server = new(LocateAsync);

    /// <summary>The connection string of the server (its default database).</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        string admin = await ConnectionStringAsync();
        string name = $"herald_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var dataSource = NpgsqlDataSource.Create(admin);
        try
        {
            // An ICU en-US default collation orders 'a' before 'B'; the store must still order ids by bytes.
            await using var icu = dataSource.CreateCommand($"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
            await icu.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.SyntaxError or PostgresErrorCodes.InvalidParameterValue)
        {
            await using var plain = dataSource.CreateCommand($"CREATE DATABASE {name}");
            await plain.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString) =>
        await DropDatabaseAsync(await ConnectionStringAsync(), new NpgsqlConnectionStringBuilder(connectionString).Database!);

    /// <summary>
    /// Drops <paramref name="name"/> on the server <paramref name="admin"/> connects to, ending its sessions. An
    /// autovacuum worker busy in that database (it has no role) makes PostgreSQL 15 refuse to end it for a role that
    /// is not a superuser (42501); such a worker gives way within moments, so the drop is tried again.
    /// </summary>
    public static async Task DropDatabaseAsync(string admin, string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(admin);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = dataSource.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Where scripts/test.sh wants private instances (it stops every one under it when the run ends).</summary>
    public const string InstanceRootVariable = "HERALD_TEST_PG_ROOT";

    /// <summary>
    /// A new folder for a private PostgreSQL instance (HERALD_PG_DIR of scripts/postgres.sh): under
    /// HERALD_TEST_PG_ROOT when scripts/test.sh set it, otherwise under the temporary folder. The test that starts
    /// the instance stops it and deletes the folder with <see cref="StopInstanceAsync"/>.
    /// </summary>
    public static string NewInstanceDirectory(string purpose)
    {
        string? root = Environment.GetEnvironmentVariable(InstanceRootVariable);
        return Path.Combine(string.IsNullOrWhiteSpace(root) ? Path.GetTempPath() : root, $"herald-pg-{purpose}-{Guid.NewGuid():N}"[..30]);
    }

    /// <summary>The environment that points scripts/postgres.sh at the instance in <paramref name="directory"/>.</summary>
    public static Dictionary<string, string> InstanceEnvironment(string directory) => new() { ["HERALD_PG_DIR"] = directory };

    /// <summary>Stops the private instance in <paramref name="directory"/> (when it runs) and deletes its folder.</summary>
    public static async Task StopInstanceAsync(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        await RunScriptAsync("stop", InstanceEnvironment(directory));
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Stopped is what matters; a leftover folder under the temporary folder is harmless.
        }
    }

    /// <summary>Runs scripts/postgres.sh with the given arguments; returns its stdout.</summary>
    public static async Task<string> RunScriptAsync(string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        string script = Path.Combine(RepositoryRoot(), "scripts", "postgres.sh");
        var start = new ProcessStartInfo("bash", $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh {arguments} failed ({process.ExitCode}): {await stderr}\n{HowTo}");
        }
        return await stdout;
    }

    /// <summary>Reads the connection string from the script's <c>export HERALD_TEST_POSTGRES='…'</c> line.</summary>
    public static string ParseExport(string output)
    {
        const string prefix = "export " + EnvironmentVariable + "='";
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"scripts/postgres.sh printed no connection string: {output}\n{HowTo}");
        return line[prefix.Length..^1];
    }

    private static async Task<string> LocateAsync()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        string connectionString;
        try
        {
            connectionString = string.IsNullOrWhiteSpace(configured) ? ParseExport(await RunScriptAsync("start")) : configured;
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException($"scripts/postgres.sh could not be run: {ex.Message}\n{HowTo}", ex);
        }
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var probe = dataSource.CreateCommand("SELECT 1");
            await probe.ExecuteScalarAsync();
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"PostgreSQL at '{Redacted(connectionString)}' cannot be reached: {ex.Message}\n{HowTo}", ex);
        }
        return connectionString;
    }

    private static string Redacted(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Herald.slnx was not found above {AppContext.BaseDirectory}.\n{HowTo}");
    }
}
