namespace Herald.Storage;

/// <summary>
/// Work that one node of the cluster at a time should do (maintenance rounds). On PostgreSQL an advisory lock held
/// on its own connection; a store that one process owns (SQLite) runs the work inline.
/// </summary>
public interface IClusterLock
{
    /// <summary>
    /// Runs <paramref name="work"/> only if no other node holds the lock <paramref name="lockKey"/>, holding it until
    /// the work ends. Returns false, without running the work, when the lock is taken.
    /// </summary>
    Task<bool> TryRunExclusiveAsync(long lockKey, Func<CancellationToken, Task> work, CancellationToken cancellationToken);
}
