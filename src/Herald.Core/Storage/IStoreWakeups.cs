namespace Herald.Storage;

/// <summary>
/// Wake-ups from other nodes: a store whose database several nodes share tells each of them when any node queued
/// deliveries (LISTEN/NOTIFY on PostgreSQL), so idle dispatchers need not poll tightly. A store owned by one process
/// has no other nodes and does without; its own writers wake the dispatcher in-process.
/// </summary>
public interface IStoreWakeups
{
    /// <summary>
    /// Listens until cancelled, calling <paramref name="onNotify"/> whenever some node queued deliveries, and once
    /// after every (re)connect, since wake-ups sent meanwhile are lost. Failures are reported to
    /// <paramref name="onError"/> and retried.
    /// </summary>
    Task ListenAsync(Action onNotify, Action<Exception>? onError, CancellationToken cancellationToken);
}
