using System.Threading.Channels;

namespace Herald.Storage.Postgres;

/// <summary>
/// Group commit for the writes the API acknowledges one by one (new messages): concurrent messages queue here, and
/// a few committers each take what has queued and write it as one batch in one transaction (see
/// <see cref="PostgresMessageBatch"/>), so that under load many requests share one commit (one WAL flush with fsync
/// on) and a few set-based statements instead of paying statements and a commit each. Alone, a message costs what
/// a plain transaction costs.
/// </summary>
internal sealed class PostgresGroupCommit : IAsyncDisposable
{
    private readonly Channel<PendingMessage> _queue = Channel.CreateUnbounded<PendingMessage>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Func<IReadOnlyList<PendingMessage>, Task> _commit;
    private readonly Task[] _committers;
    private readonly int _maxBatch;

    /// <param name="committers">How many batches may be in progress at once (each on its own pooled connection).</param>
    /// <param name="maxBatch">The most messages one transaction takes.</param>
    /// <param name="commit">Writes and commits one batch, answering each of its messages.</param>
    public PostgresGroupCommit(int committers, int maxBatch, Func<IReadOnlyList<PendingMessage>, Task> commit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(committers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _maxBatch = maxBatch;
        _commit = commit;
        _committers = Enumerable.Range(0, committers).Select(_ => Task.Run(CommitLoopAsync)).ToArray();
    }

    /// <summary>
    /// Queues a message; completes once its batch has committed (or with the message's own failure). The caller's
    /// token is checked only here: a shared transaction is not cut short by one caller giving up.
    /// </summary>
    public Task<IReadOnlyList<DueDelivery>> EnqueueAsync(PendingMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_queue.Writer.TryWrite(message))
        {
            throw new ObjectDisposedException(nameof(PostgresGroupCommit));
        }
        return message.Answer;
    }

    private async Task CommitLoopAsync()
    {
        var batch = new List<PendingMessage>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var message))
            {
                batch.Add(message);
            }
            if (batch.Count == 0)
            {
                continue; // another committer took it
            }
            try
            {
                await _commit(batch);
            }
            catch (Exception ex)
            {
                foreach (var message in batch)
                {
                    message.Fail(ex);
                }
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_committers);
    }
}
