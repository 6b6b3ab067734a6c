using System.Text;
using System.Text.Json;
using Herald.Storage;

namespace Herald.Server.Streaming;

/// <summary>
/// Makes the live tail show every node's deliveries on PostgreSQL. A node whose tail is followed marks the cluster as
/// watched (a settings row, renewed while anyone follows); while it is, every node broadcasts its outcomes on
/// <see cref="IClusterBroadcast.TailChannel"/> in batches of up to 7,900 bytes, four times a second, and every node hands
/// the others' outcomes to its own subscribers. Nobody watching costs nothing but a read every few seconds. The tail
/// shows at most about <see cref="MaxBroadcastsPerFlush"/> × 4 batches a second per node: beyond that it is a sample
/// (as a browser's own buffer already is). A store without a cluster broadcast (SQLite, one node that sees all its
/// deliveries itself) leaves it idle.
/// </summary>
internal sealed partial class ClusterTail(IClusterBroadcast? broadcast, DeliveryFeed feed, TimeProvider time, ILogger<ClusterTail> logger) : BackgroundService
{
    private const int MaxBroadcastsPerFlush = 8;
    private static readonly TimeSpan Flush = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan WatchFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewWatch = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CheckWatched = TimeSpan.FromSeconds(2);

    // Tells this node's broadcasts apart from the others', which are the only ones it passes on.
    private readonly string _node = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (broadcast is null)
        {
            return;
        }
        var listen = broadcast.ListenAsync(
            new Dictionary<string, Action<string>> { [IClusterBroadcast.TailChannel] = Receive }, () => { }, ex => LogListenFailed(logger, ex), stoppingToken);
        await Task.WhenAll(listen, PublishAsync(broadcast, stoppingToken));
    }

    private async Task PublishAsync(IClusterBroadcast broadcast, CancellationToken stoppingToken)
    {
        var nextRenewal = DateTimeOffset.MinValue;
        var nextCheck = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(Flush, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = time.GetUtcNow();
                    if (feed.HasSubscribers && now >= nextRenewal)
                    {
                        await broadcast.WatchTailAsync(now + WatchFor, stoppingToken);
                        nextRenewal = now + RenewWatch;
                        nextCheck = now; // read it back at once, so this node starts forwarding too
                    }
                    if (now >= nextCheck)
                    {
                        feed.Forwarding = await broadcast.TailWatchedUntilAsync(stoppingToken) > now;
                        feed.WatchChecked();
                        nextCheck = now + CheckWatched;
                    }
                    await FlushAsync(broadcast, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogPublishFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(IClusterBroadcast broadcast, CancellationToken cancellationToken)
    {
        string prefix = $"{{\"node\":\"{_node}\",\"events\":[";
        int prefixBytes = Encoding.UTF8.GetByteCount(prefix) + 2; // with the closing "]}"
        var batch = new StringBuilder();
        for (int sent = 0; sent < MaxBroadcastsPerFlush && feed.Outbound.TryPeek(out _); sent++)
        {
            batch.Clear().Append(prefix);
            int bytes = prefixBytes;
            int count = 0;
            while (feed.Outbound.TryPeek(out var next))
            {
                string json = JsonSerializer.Serialize(next, StreamJsonContext.Default.TailEvent);
                int size = Encoding.UTF8.GetByteCount(json) + (count == 0 ? 0 : 1);
                if (bytes + size > broadcast.MaxPayloadBytes && count > 0)
                {
                    break; // the next batch starts with it
                }
                feed.Outbound.TryRead(out _);
                if (bytes + size > broadcast.MaxPayloadBytes)
                {
                    continue; // cannot fit even alone (ids are short; never in practice)
                }
                batch.Append(count++ == 0 ? "" : ",").Append(json);
                bytes += size;
            }
            if (count > 0)
            {
                await broadcast.BroadcastAsync(IClusterBroadcast.TailChannel, batch.Append("]}").ToString(), cancellationToken);
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize(payload, StreamJsonContext.Default.TailBroadcast) is { } broadcast && broadcast.Node != _node)
            {
                foreach (var e in broadcast.Events)
                {
                    feed.Deliver(e);
                }
            }
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, ex);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Listening for other nodes' live-tail outcomes failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Broadcasting this node's live-tail outcomes failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "A live-tail broadcast could not be read")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
