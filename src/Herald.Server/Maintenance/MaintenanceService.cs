using Herald.Server.Hosting;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Maintenance;

/// <summary>
/// Once per <see cref="MaintenanceOptions.Interval"/>: expires payloads past their retention and old idempotency
/// records, then deletes messages past <see cref="RetentionOptions.Period"/> with their deliveries and attempts.
/// One node at a time does it, under the store's cluster lock (an advisory lock on PostgreSQL; inline on SQLite).
/// </summary>
internal sealed partial class MaintenanceService(
    IStoreMaintenance store, IClusterLock clusterLock, TimeProvider time, IOptions<HeraldOptions> options, IOptions<MaintenanceOptions> maintenance,
    IOptions<RetentionOptions> retention, ILogger<MaintenanceService> logger)
    : BackgroundService
{
    private const long LockKey = 0x4865_7261_6C64_0002;

    // Whether the last round ran out of time with old messages left: the next one then starts at once, so that
    // paced deletes keep up with a high message rate instead of idling for an interval between rounds.
    private volatile bool _behind;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = maintenance.Value.Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!_behind)
                {
                    await Task.Delay(interval, time, stoppingToken);
                }
                _behind = false;
                // Once per round across all nodes: whoever holds the lock does it.
                await clusterLock.TryRunExclusiveAsync(LockKey, RunOnceAsync, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, interval);
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int changed = await store.ExpireAsync(now, now - options.Value.IdempotencyWindow, cancellationToken);
        if (changed > 0)
        {
            LogExpired(logger, changed);
        }
        await DeleteOldMessagesAsync(now, cancellationToken);
    }

    /// <summary>
    /// Deletes in small transactions until nothing old is left or an interval is spent (the rest waits for the next
    /// round). Each batch is sized towards the store's <see cref="IStoreMaintenance.RetentionBatchTime"/> (2 ms on
    /// SQLite, where a batch holds the one writer that ingest waits for; 20 ms on PostgreSQL) and the next one waits
    /// twice as long as the last one took: retention gets at most about a third of the store's time, and a request
    /// that arrives during a batch waits for one short batch at most.
    /// </summary>
    private async Task DeleteOldMessagesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = retention.Value;
        if (settings.Period == TimeSpan.Zero)
        {
            return;
        }
        var cutoff = now - settings.Period;
        var budget = maintenance.Value.Interval;
        long started = time.GetTimestamp();
        int messages = 0, deliveries = 0, attempts = 0, undelivered = 0, batches = 0;
        var target = store.RetentionBatchTime;
        int size = Math.Min(settings.BatchSize, FirstBatch);
        bool done;
        try
        {
            while (true)
            {
                long batchStarted = time.GetTimestamp();
                var batch = await store.DeleteMessagesBeforeAsync(cutoff, size, cancellationToken);
                var took = time.GetElapsedTime(batchStarted);
                batches++;
                (messages, deliveries, attempts, undelivered) =
                    (messages + batch.Messages, deliveries + batch.Deliveries, attempts + batch.Attempts, undelivered + batch.Undelivered);
                done = batch.Messages < size;
                if (done || time.GetElapsedTime(started) >= budget)
                {
                    break;
                }
                size = NextBatchSize(size, took, target, settings.BatchSize);
                if (took > TimeSpan.Zero)
                {
                    await Task.Delay(took * 2, time, cancellationToken);
                }
            }
        }
        finally
        {
            // What was deleted before a failure is gone all the same: say so.
            if (messages > 0)
            {
                LogDeleted(logger, messages, deliveries, attempts, cutoff, batches, time.GetElapsedTime(started));
            }
            if (undelivered > 0)
            {
                LogUndelivered(logger, undelivered, settings.Period);
            }
        }
        if (!done)
        {
            _behind = true;
            LogBehind(logger, budget);
        }
    }

    private const int FirstBatch = 100;

    /// <summary>
    /// The next batch's size: moved halfway towards the size that would have taken <paramref name="target"/>,
    /// between 1 and the configured maximum.
    /// </summary>
    internal static int NextBatchSize(int size, TimeSpan took, TimeSpan target, int max)
    {
        if (took <= TimeSpan.Zero)
        {
            return Math.Min(max, size * 2);
        }
        double ideal = size * (target / took);
        return (int)Math.Clamp(Math.Round((size + ideal) / 2), 1, max);
    }

    [LoggerMessage(1, LogLevel.Information, "Maintenance expired {Count} payloads and idempotency records")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Maintenance failed; trying again in {Interval}")]
    private static partial void LogFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(3, LogLevel.Information, "Retention deleted {Messages} messages created before {Cutoff:O}, with {Deliveries} deliveries and {Attempts} attempts, in {Batches} batches over {Elapsed}")]
    private static partial void LogDeleted(ILogger logger, int messages, int deliveries, int attempts, DateTimeOffset cutoff, int batches, TimeSpan elapsed);

    [LoggerMessage(4, LogLevel.Warning, "Retention deleted {Count} deliveries that were never completed (pending, waiting for a retry or being sent): their messages were older than the retention period {Period}")]
    private static partial void LogUndelivered(ILogger logger, int count, TimeSpan period);

    [LoggerMessage(5, LogLevel.Warning, "Retention used its time budget of {Budget} and older messages remain; the next round starts at once")]
    private static partial void LogBehind(ILogger logger, TimeSpan budget);
}
