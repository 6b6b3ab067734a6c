using Herald.Client;
using Microsoft.Extensions.Options;

namespace Herald.Outbox.Relay;

/// <summary>
/// Sends committed outbox rows to Herald. A round takes the applications whose oldest row is due and, for each (in
/// parallel up to a limit), sends its rows one at a time in id order, stopping at the first that fails so that a
/// later row never overtakes it. Each row goes out under its own idempotency key, so a resend after a crash (sent,
/// not yet marked) gets Herald's first answer instead of a second message.
/// </summary>
internal sealed partial class OutboxRelay(OutboxStore store, HeraldClient herald, IOptions<HeraldOutboxOptions> options, TimeProvider time, OutboxMetrics metrics, ILogger<OutboxRelay> logger)
{
    private readonly HeraldOutboxOptions _options = options.Value;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    /// <returns>How many rows Herald accepted in this round.</returns>
    public async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var apps = await store.DueApplicationsAsync(now.ToUnixTimeMilliseconds(), _options.MaxParallelApplications, cancellationToken);
        int sent = 0;
        if (apps.Count == 1)
        {
            sent = await RelayApplicationAsync(apps[0], cancellationToken);
        }
        else if (apps.Count > 1)
        {
            var counts = await Task.WhenAll(apps.Select(app => RelayApplicationAsync(app, cancellationToken)));
            sent = counts.Sum();
        }
        await MeasureAsync(cancellationToken);
        return sent;
    }

    private async Task<int> RelayApplicationAsync(string appId, CancellationToken cancellationToken)
    {
        await using var batch = await store.OpenAsync(appId, _options.BatchSize, cancellationToken);
        if (batch is null)
        {
            return 0;
        }
        int sent = 0;
        foreach (var row in batch.Rows)
        {
            var now = time.GetUtcNow();
            if (row.NextAttemptAt > now.ToUnixTimeMilliseconds())
            {
                break;
            }
            var outcome = await SendAsync(row, cancellationToken);
            now = time.GetUtcNow();
            if (outcome.MessageId is { } messageId)
            {
                await batch.SentAsync(row, messageId, now.ToUnixTimeMilliseconds(), cancellationToken);
                metrics.Sent(now - DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
                sent++;
                continue;
            }
            metrics.Failed(outcome.Rejected);
            if (outcome.Rejected)
            {
                // Nothing would make Herald take it; holding the application's later rows behind it forever would lose them instead.
                await batch.RejectedAsync(row, now.ToUnixTimeMilliseconds(), outcome.Error!, cancellationToken);
                Log.Rejected(logger, row.Id, row.AppId, row.EventType, outcome.Error!);
                continue;
            }
            var delay = Backoff(row.Attempts + 1);
            await batch.RetryLaterAsync(row, (now + delay).ToUnixTimeMilliseconds(), outcome.Error!, cancellationToken);
            Log.RetryLater(logger, row.Id, row.AppId, row.Attempts + 1, delay, outcome.Error!);
            break;
        }
        await batch.CommitAsync(cancellationToken);
        return sent;
    }

    /// <summary>The wait after the <paramref name="attempts"/>th failure: doubling from RetryDelay up to MaxRetryDelay.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        double factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        double ticks = Math.Min(_options.RetryDelay.Ticks * factor, _options.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private async Task MeasureAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (depth, oldest) = await store.MeasureAsync(cancellationToken);
        metrics.Measured(depth, oldest is { } created ? now - DateTimeOffset.FromUnixTimeMilliseconds(created) : TimeSpan.Zero);
        if (_options.SentRows == OutboxSentRows.Archive && now - _lastPrune >= TimeSpan.FromMinutes(1))
        {
            _lastPrune = now;
            await store.PruneAsync((now - _options.ArchiveRetention).ToUnixTimeMilliseconds(), cancellationToken);
        }
    }
}
