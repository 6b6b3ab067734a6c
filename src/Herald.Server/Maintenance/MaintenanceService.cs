using Herald.Server.Hosting;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Maintenance;

/// <summary>
/// Expires payloads past their retention and old idempotency records, once a minute. On PostgreSQL one node
/// at a time does it, under an advisory lock.
/// </summary>
internal sealed partial class MaintenanceService(IHeraldStore store, TimeProvider time, IOptions<HeraldOptions> options, ILogger<MaintenanceService> logger)
    : BackgroundService
{
    private const long LockKey = 0x4865_7261_6C64_0002;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                if (store is Storage.Postgres.PostgresStore postgres)
                {
                    // Once per round across all nodes: whoever holds the lock does it.
                    await postgres.TryRunExclusiveAsync(LockKey, ExpireAsync, stoppingToken);
                }
                else
                {
                    await ExpireAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }
        }
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int changed = await store.ExpireAsync(now, now - options.Value.IdempotencyWindow, cancellationToken);
        if (changed > 0)
        {
            LogExpired(logger, changed);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Maintenance expired {Count} payloads and idempotency records")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Maintenance failed; trying again in a minute")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
