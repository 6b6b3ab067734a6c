using Npgsql;

namespace Herald.Storage.Tests.Postgres;

/// <summary>Watches PostgreSQL for a store's statement waiting on a row lock.</summary>
internal static class LockWaits
{
    /// <summary>True once a statement of the store (application name <c>herald</c>) waits on a lock; false if <paramref name="send"/> ends first or 30 s pass.</summary>
    public static async Task<bool> WaitForLockWaitAsync(NpgsqlDataSource db, Task send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !send.IsCompleted)
        {
            await using var waiting = db.CreateCommand(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'herald'");
            if ((long)(await waiting.ExecuteScalarAsync())! > 0)
            {
                return true;
            }
            await Task.Delay(20);
        }
        return false;
    }
}
