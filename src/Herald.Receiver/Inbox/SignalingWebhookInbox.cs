namespace Herald.Receiver.Inbox;

/// <summary>The inbox handed out by DI: the provider's store, plus a wake-up for the processor on insert and requeue.</summary>
internal sealed class SignalingWebhookInbox(IWebhookInbox inner, InboxSignal signal) : IWebhookInbox, IAsyncDisposable, IDisposable
{
    // The unnamed receiver's inbox is registered twice (keyed and plain), so the container disposes it twice.
    private int _disposed;

    public async Task<bool> TryAddAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        bool added = await inner.TryAddAsync(message, cancellationToken);
        if (added)
        {
            signal.Notify();
        }
        return added;
    }

    public async Task<bool> RequeueAsync(string id, CancellationToken cancellationToken)
    {
        bool requeued = await inner.RequeueAsync(id, cancellationToken);
        if (requeued)
        {
            signal.Notify();
        }
        return requeued;
    }

    public Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.ClaimDueAsync(maxCount, lease, cancellationToken);

    public Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken) => inner.GetNextDueAsync(cancellationToken);

    public Task MarkProcessedAsync(string id, CancellationToken cancellationToken) => inner.MarkProcessedAsync(id, cancellationToken);

    public async Task MarkFailedAsync(string id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await inner.MarkFailedAsync(id, error, retryAt, cancellationToken);
        if (retryAt is not null)
        {
            // The processor may be sleeping past the new due time; let it recompute.
            signal.Notify();
        }
    }

    public Task<InboxEntry?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<InboxEntry>> ListAsync(InboxStatus? status, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(status, limit, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (inner is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
