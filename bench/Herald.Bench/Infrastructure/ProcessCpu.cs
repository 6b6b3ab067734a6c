using System.Globalization;
using Npgsql;

namespace Herald.Bench.Infrastructure;

/// <summary>CPU time of processes on this machine, read from /proc (Linux), for CPU-per-message figures.</summary>
internal static class ProcessCpu
{
    // /proc reports times in clock ticks of USER_HZ, which Linux fixes at 100 per second for user space.
    private const double TicksPerSecond = 100;

    /// <summary>
    /// User+system CPU of a process and of its children, those still running and those it has reaped (a
    /// PostgreSQL server's backends come and go with their connections). Zero when it cannot be read.
    /// </summary>
    public static TimeSpan OfTree(int rootPid)
    {
        var (own, reaped) = Read(rootPid);
        long ticks = own + reaped;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid != rootPid && ParentOf(pid) == rootPid)
            {
                ticks += Read(pid).Own;
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The postmaster of the PostgreSQL server behind <paramref name="connectionString"/> (it runs on this machine), or null.</summary>
    public static async Task<int?> PostmasterOfAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            int backend = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            return ParentOf(backend);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (long Own, long Reaped) Read(int pid)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return (0, 0);
        }
        // After "pid (comm)": state is field 3; utime 14, stime 15, cutime 16, cstime 17 (1-based, see proc(5)).
        long F(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
        return (F(14) + F(15), F(16) + F(17));
    }

    private static int? ParentOf(int pid) =>
        StatFields(pid) is { } fields ? int.Parse(fields[4 - 3], CultureInfo.InvariantCulture) : null;

    /// <summary>The fields of /proc/pid/stat after the command name (which may hold spaces and parentheses).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
