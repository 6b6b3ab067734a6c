using System.Data.Common;
using Dapper;
using Npgsql;

namespace Herald.Storage.Postgres;

public sealed partial class PostgresStore : IClusterLock
{
    /// <summary>The advisory lock key that serializes schema migrations; do not use it with <see cref="TryRunExclusiveAsync"/>.</summary>
    public const long MigrationLockKey = 0x4865_7261_6C64_0001; // "Herald" + 1

    // Several nodes may start at once: the first migrates, the others wait and then find the schema current.
    protected override Task BeforeMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLockKey }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Runs <paramref name="work"/> only if no other node holds the advisory lock <paramref name="lockKey"/>, holding it
    /// (on a dedicated connection) until the work ends. Returns false, without running the work, when the lock is taken.
    /// For once-per-cluster maintenance; the lock dies with the connection, so keep the work short.
    /// </summary>
    public async Task<bool> TryRunExclusiveAsync(long lockKey, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        bool acquired;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnavailable(ex))
        {
            _dataSource.Clear();
            throw Unavailable(ex);
        }
        await using (connection)
        {
            try
            {
                acquired = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "SELECT pg_try_advisory_lock(@lockKey)", new { lockKey }, cancellationToken: cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnavailable(ex))
            {
                _dataSource.Clear();
                throw Unavailable(ex);
            }
            if (!acquired)
            {
                return false;
            }
            try
            {
                await work(cancellationToken);
            }
            finally
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@lockKey)", new { lockKey }, cancellationToken: CancellationToken.None));
                }
                catch (Exception ex) when (IsUnavailable(ex))
                {
                    // The session is gone, and its lock with it.
                }
            }
            return true;
        }
    }
}
