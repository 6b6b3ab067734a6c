using Herald.Model;
using Npgsql;

namespace Herald.Storage.Postgres;

// The write path of new messages: queued to the group commit, written a batch at a time by PostgresMessageBatch,
// with the guarantees of every write (TransactAsync).
public sealed partial class PostgresStore
{
    /// <summary>New messages share transactions and statements with the messages other requests create at the same time (see <see cref="PostgresGroupCommit"/>).</summary>
    protected override async Task<IReadOnlyList<DueDelivery>> WriteNewMessageAsync(
        Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, TimeSpan? lease, IdempotencyCompletion? idempotency, CancellationToken cancellationToken)
    {
        try
        {
            return await _messages.EnqueueAsync(new PendingMessage(message, payloadExpiresAt, onlyEndpointId, lease, idempotency), cancellationToken);
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            throw DuplicateEventId(message);
        }
    }

    /// <summary>
    /// Writes and commits one batch of new messages and answers each. A message's own failure (a duplicate, a lost
    /// idempotency claim) fails it alone. A statement or commit the server refuses for what the batch holds (rather
    /// than for the state of the database) is retried with each message in a transaction of its own, so that the
    /// message at fault fails alone. Every other failure (outcome unknown, unreachable, refused) is the whole batch's.
    /// </summary>
    private async Task CommitMessagesAsync(IReadOnlyList<PendingMessage> batch)
    {
        var live = batch.ToList();
        try
        {
            while (live.Count > 0)
            {
                try
                {
                    await TransactAsync(async (connection, transaction) =>
                    {
                        if (await new PostgresMessageBatch(connection, transaction, NodeId).WriteAsync(live))
                        {
                            await AfterDeliveriesQueuedAsync(connection, transaction, CancellationToken.None);
                        }
                        return true;
                    }, CancellationToken.None);
                    break;
                }
                catch (PostgresMessageBatch.ClaimLostMidwayException ex)
                {
                    // Rolled back: that message has failed, and the rest is written again.
                    ex.Message.Fail(ex.Failure);
                    live.Remove(ex.Message);
                }
            }
        }
        catch (PostgresException ex) when (live.Count > 1 && PostgresFailures.Classify(ex) is null
                                           && ex.SqlState is not (PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure))
        {
            foreach (var pending in live)
            {
                await CommitMessagesAsync([pending]);
            }
            return;
        }
        catch (Exception ex)
        {
            foreach (var pending in live)
            {
                pending.Fail(ex);
            }
            return;
        }
        foreach (var pending in live)
        {
            pending.Complete();
        }
    }
}
