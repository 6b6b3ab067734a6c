using System.Threading.Channels;
using Herald.Receiver.Inbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Handlers;

/// <summary>
/// Claims due messages from the inbox and hands them to a fixed set of workers through a bounded channel.
/// Woken on insert, retry and requeue; a slow poll picks up work left by an earlier run or another instance.
/// </summary>
internal sealed class InboxProcessor(
    string receiverName,
    IWebhookInbox inbox,
    InboxSignal signal,
    MessageRunner runner,
    ReceiverSettings settings,
    TimeProvider time,
    ILogger<InboxProcessor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // Workers start inside the scope, so the runner's and handlers' logs carry it too.
        using var scope = ReceiverNames.BeginScope(logger, receiverName);
        int concurrency = settings.Current.Handlers.MaxConcurrency;
        var work = Channel.CreateBounded<InboxEntry>(new BoundedChannelOptions(concurrency)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var workers = Enumerable.Range(0, concurrency).Select(_ => RunWorkerAsync(work.Reader, stoppingToken)).ToArray();
        try
        {
            await ClaimLoopAsync(work.Writer, concurrency, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            work.Writer.TryComplete();
            await Task.WhenAll(workers);
        }
    }

    private async Task ClaimLoopAsync(ChannelWriter<InboxEntry> writer, int batchSize, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handlers = settings.Current.Handlers;
            IReadOnlyList<InboxEntry> claimed;
            try
            {
                claimed = await inbox.ClaimDueAsync(batchSize, handlers.Lease, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.InboxUnavailable(logger, ex, handlers.PollInterval);
                await Task.Delay(handlers.PollInterval, time, stoppingToken);
                continue;
            }
            foreach (var entry in claimed)
            {
                // Workers drain the channel until it completes (releasing entries on shutdown),
                // so a claimed entry is always handed over rather than dropped mid-batch.
                await writer.WriteAsync(entry, CancellationToken.None);
            }
            if (claimed.Count < batchSize)
            {
                await WaitForWorkAsync(handlers.PollInterval, stoppingToken);
            }
        }
    }

    private async Task WaitForWorkAsync(TimeSpan pollInterval, CancellationToken stoppingToken)
    {
        var delay = pollInterval;
        try
        {
            if (await inbox.GetNextDueAsync(stoppingToken) is { } due)
            {
                var untilDue = due - time.GetUtcNow();
                delay = untilDue <= TimeSpan.Zero ? TimeSpan.Zero : untilDue < delay ? untilDue : delay;
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            Log.InboxUnavailable(logger, ex, pollInterval);
        }
        if (delay == TimeSpan.Zero)
        {
            return;
        }
        using var wakeOrTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = signal.WaitAsync(wakeOrTimeout.Token);
        var elapsed = Task.Delay(delay, time, wakeOrTimeout.Token);
        await Task.WhenAny(woken, elapsed);
        await wakeOrTimeout.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    private async Task RunWorkerAsync(ChannelReader<InboxEntry> reader, CancellationToken stoppingToken)
    {
        await foreach (var entry in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    // Claimed but never started: make it due again now instead of after the lease.
                    await inbox.MarkFailedAsync(entry.Id, "Interrupted by shutdown.", time.GetUtcNow(), CancellationToken.None);
                    continue;
                }
                await runner.RunAsync(entry, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                Log.OutcomeNotRecorded(logger, ex, entry.Id);
            }
        }
    }
}
