namespace Herald.Receiver;

/// <summary>
/// The durable store of received webhooks, keyed by <c>webhook-id</c>. It deduplicates redeliveries,
/// queues messages for handlers and records how processing went.
/// </summary>
public interface IWebhookInbox
{
    /// <summary>Stores a verified message as pending. False when a message with this id is already stored.</summary>
    Task<bool> TryAddAsync(InboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="maxCount"/> due messages (pending and due, or processing with an expired lease),
    /// marks them processing until now + <paramref name="lease"/> and counts an attempt for each.
    /// </summary>
    Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>When the next pending message or expiring lease becomes due; null when nothing waits.</summary>
    Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken);

    /// <summary>Records that the handler of message <paramref name="id"/> succeeded; it never runs again unless requeued.</summary>
    Task MarkProcessedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: pending again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    Task MarkFailedAsync(string id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>The stored message with this <c>webhook-id</c>; null when there is none.</summary>
    Task<InboxEntry?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Most recently received first, optionally only those in <paramref name="status"/>.</summary>
    Task<IReadOnlyList<InboxEntry>> ListAsync(InboxStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Makes a failed or processed message pending again, with its attempts reset, so that its handler runs again.
    /// False when the message is unknown or currently being processed.
    /// </summary>
    Task<bool> RequeueAsync(string id, CancellationToken cancellationToken);
}
