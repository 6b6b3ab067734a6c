using Herald.Model;

namespace Herald.Storage.Postgres;

/// <summary>
/// A new message waiting in <see cref="PostgresGroupCommit"/> to be written with the others of its batch (see
/// <see cref="PostgresMessageBatch"/>): what to write, and the caller's answer once its batch has committed.
/// </summary>
internal sealed class PendingMessage(
    Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, TimeSpan? lease, IdempotencyCompletion? idempotency)
{
    private readonly TaskCompletionSource<IReadOnlyList<DueDelivery>> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Message Message { get; } = message;

    public DateTimeOffset? PayloadExpiresAt { get; } = payloadExpiresAt;

    /// <summary>When set, the message goes to this endpoint alone, whatever its filters say.</summary>
    public string? OnlyEndpointId { get; } = onlyEndpointId;

    /// <summary>When set, the deliveries are born claimed by this node until the message's creation plus the lease.</summary>
    public TimeSpan? Lease { get; } = lease;

    /// <summary>The idempotency key's answer, stored in the message's transaction.</summary>
    public IdempotencyCompletion? Idempotency { get; } = idempotency;

    public DateTimeOffset LeaseUntil => Message.CreatedAt + (Lease ?? TimeSpan.Zero);

    /// <summary>The message's own failure in the current run of its batch (it is not written; the rest of the batch commits).</summary>
    public Exception? Failure { get; set; }

    /// <summary>The deliveries written for the message in the current run of its batch.</summary>
    public List<DueDelivery> Created { get; } = [];

    public Task<IReadOnlyList<DueDelivery>> Answer => _answer.Task;

    /// <summary>Forgets what an earlier run of the batch found: that run was rolled back.</summary>
    public void BeginRun()
    {
        Failure = null;
        Created.Clear();
    }

    /// <summary>Answers the caller once the batch has committed: the deliveries, or the message's own failure.</summary>
    public void Complete()
    {
        if (Failure is { } failure)
        {
            _answer.TrySetException(failure);
        }
        else
        {
            _answer.TrySetResult(Created.ToArray());
        }
    }

    public void Fail(Exception exception) => _answer.TrySetException(exception);
}
