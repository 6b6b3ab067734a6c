using Herald.Delivery.Dispatching;
using Herald.Storage;

namespace Herald.Server.Hosting;

/// <summary>
/// Wakes this node's dispatcher when any node queues deliveries (on PostgreSQL, LISTEN/NOTIFY), so idle nodes
/// need not poll tightly. The dispatcher's slow poll stays as the backstop. A store without other nodes
/// (SQLite) has no wake-ups to listen for: this then ends at once.
/// </summary>
internal sealed partial class StoreNotificationListener(IStoreWakeups wakeups, DispatchSignal signal, ILogger<StoreNotificationListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await wakeups.ListenAsync(signal.Notify, ex => LogListenFailed(logger, ex), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Listening for delivery notifications failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
