using Herald.Server.Hosting;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Maintenance;

/// <summary>
/// Expires payloads past their retention and old idempotency records, once a minute. The statements are
/// idempotent, so several nodes running them at once do no harm.
/// </summary>
internal sealed partial class MaintenanceService(IHeraldStore store, TimeProvider time, IOptions<HeraldOptions> options, ILogger<MaintenanceService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                var now = time.GetUtcNow();
                int changed = await store.ExpireAsync(now, now - options.Value.IdempotencyWindow, stoppingToken);
                if (changed > 0)
                {
                    LogExpired(logger, changed);
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

    [LoggerMessage(1, LogLevel.Information, "Maintenance expired {Count} payloads and idempotency records")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Maintenance failed; trying again in a minute")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
