using Herald.Delivery.Dispatching;
using Herald.Storage;
using Herald.Storage.Postgres;

namespace Herald.Server.Hosting;

/// <summary>
/// On PostgreSQL, wakes this node's dispatcher when any node queues deliveries (LISTEN/NOTIFY), so idle nodes
/// need not poll tightly. The dispatcher's slow poll stays as the backstop.
/// </summary>
internal sealed partial class StoreNotificationListener(IHeraldStore store, DispatchSignal signal, ILogger<StoreNotificationListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not PostgresStore postgres)
        {
            return;
        }
        try
        {
            await postgres.ListenAsync(signal.Notify, ex => LogListenFailed(logger, ex), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Listening for delivery notifications failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
