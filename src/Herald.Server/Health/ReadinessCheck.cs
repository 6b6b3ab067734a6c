using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Health;

/// <summary>
/// Whether this node can take writes now: a durable write probe through the store (down, read-only, I/O errors,
/// a size cap reached) and, for SQLite, the free space of its disk (a recycled write-ahead log lets a tiny probe
/// pass on a full disk). Concurrent checks share one probe, and an answer is reused for a second. A failure that a
/// real write met (reported by the API) holds for <see cref="ReportedHold"/> even when the small probe passes: a
/// database with a few pages left takes the probe but refuses messages.
/// </summary>
internal sealed partial class ReadinessCheck(IStoreHealth store, TimeProvider time, IOptions<HealthOptions> options, ILogger<ReadinessCheck> logger)
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    /// <summary>How long a failure met by a real write keeps the node not ready.</summary>
    public static readonly TimeSpan ReportedHold = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _one = new(1, 1);
    private (long At, StoreFailure? Failure)? _last;
    private (long At, StoreFailure Failure)? _reported;

    /// <summary>
    /// A write of a request failed because the store cannot take writes. Lasting causes (full, read-only, I/O errors)
    /// hold; a busy or unreachable database is left to the probe, as it may pass at once.
    /// </summary>
    public void Report(StoreFailure failure)
    {
        if (failure is StoreFailure.Full or StoreFailure.ReadOnly or StoreFailure.IoError)
        {
            _reported = (time.GetTimestamp(), failure);
        }
    }

    /// <summary>Null when ready, else the reason the store cannot take writes.</summary>
    public async Task<StoreFailure?> CheckAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (_reported is { } reported && time.GetElapsedTime(reported.At) < ReportedHold)
            {
                return reported.Failure;
            }
            if (_last is { } last && time.GetElapsedTime(last.At) < Reuse)
            {
                return last.Failure;
            }
            var failure = await ProbeAsync(cancellationToken);
            _last = (time.GetTimestamp(), failure);
            return failure;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<StoreFailure?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (store is ILocalDatabaseFile file && FreeBytes(file.DataSource) is { } free && free < options.Value.MinFreeDiskBytes)
            {
                LogNotReady(logger, StoreFailure.Full, null);
                return StoreFailure.Full;
            }
            await store.ProbeWriteAsync(time.GetUtcNow(), cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = StoreFailures.Of(ex);
            LogNotReady(logger, failure, ex);
            return failure;
        }
    }

    private static long? FreeBytes(string dataSource)
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(dataSource))!).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // an in-memory database, or a disk that cannot be asked: the probe write decides
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Not ready: the store cannot take writes ({Failure})")]
    private static partial void LogNotReady(ILogger logger, StoreFailure failure, Exception? exception);
}
