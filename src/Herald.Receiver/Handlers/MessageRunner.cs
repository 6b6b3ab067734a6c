using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Handlers;

/// <summary>Runs the handler for one claimed message and records the outcome; never lets a failure lose the message.</summary>
internal sealed class MessageRunner(
    IWebhookInbox inbox,
    HandlerRegistry registry,
    IServiceScopeFactory scopes,
    ReceiverSettings settings,
    TimeProvider time,
    ILogger<MessageRunner> logger)
{
    private const int MaxErrorLength = 2000;

    public async Task RunAsync(InboxEntry entry, CancellationToken cancellationToken)
    {
        var invoker = registry.Find(entry.EventType);
        if (invoker is null)
        {
            // Providers send many event types; one without a handler is acknowledged and settled, not retried.
            Log.NoHandler(logger, entry.Id, entry.EventType);
            await inbox.MarkProcessedAsync(entry.Id, cancellationToken);
            return;
        }

        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                await invoker.InvokeAsync(scope.ServiceProvider, entry, cancellationToken);
            }
            await inbox.MarkProcessedAsync(entry.Id, cancellationToken);
            Log.Processed(logger, entry.Id, entry.EventType, entry.Attempts);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: put the message back at once rather than waiting for its lease to expire.
            // The host token is already cancelled, so this last write deliberately runs without it.
            await inbox.MarkFailedAsync(entry.Id, "Interrupted by shutdown.", time.GetUtcNow(), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(entry, ex, cancellationToken);
        }
    }

    private async Task RecordFailureAsync(InboxEntry entry, Exception ex, CancellationToken cancellationToken)
    {
        var handlers = settings.Current.Handlers;
        string error = Describe(ex);
        bool retry = ex is not WebhookPayloadException && entry.Attempts < handlers.MaxAttempts;
        if (retry)
        {
            var delay = RetryBackoff.DelayAfter(entry.Attempts, handlers);
            await inbox.MarkFailedAsync(entry.Id, error, time.GetUtcNow() + delay, cancellationToken);
            Log.WillRetry(logger, ex, entry.Id, entry.EventType, entry.Attempts, delay);
        }
        else
        {
            await inbox.MarkFailedAsync(entry.Id, error, retryAt: null, cancellationToken);
            Log.GaveUp(logger, ex, entry.Id, entry.EventType, entry.Attempts);
        }
    }

    private static string Describe(Exception ex)
    {
        string text = $"{ex.GetType().Name}: {ex.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}
