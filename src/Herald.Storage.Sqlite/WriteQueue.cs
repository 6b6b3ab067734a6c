using System.Threading.Channels;

namespace Herald.Storage.Sqlite;

/// <summary>
/// The writer's queue: any number of producers, one reader, at most <c>capacity</c> items. While there is room a
/// write takes no lock (a bounded channel takes its lock for every write and every read, and under load the API
/// requests queueing their messages contended for it); a producer past the capacity waits until the reader has
/// taken an item for it. A producer that gives up while it waits may let one later producer past the capacity.
/// </summary>
internal sealed class WriteQueue<T>(int capacity) : IDisposable
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _room = new(0);
    // Items queued plus producers waiting for room.
    private int _count;

    /// <summary>Queues <paramref name="item"/>, waiting for room when the queue is full; fails once the queue is completed.</summary>
    public ValueTask WriteAsync(T item, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _count) <= capacity ? Add(item) : WaitThenAddAsync(item, cancellationToken);

    private async ValueTask WaitThenAddAsync(T item, CancellationToken cancellationToken)
    {
        try
        {
            await _room.WaitAsync(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _count);
            throw;
        }
        await Add(item);
    }

    private ValueTask Add(T item)
    {
        if (_items.Writer.TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }
        Interlocked.Decrement(ref _count);
        return ValueTask.FromException(new ChannelClosedException());
    }

    public ValueTask<bool> WaitToReadAsync() => _items.Reader.WaitToReadAsync();

    public bool TryRead(out T item)
    {
        if (!_items.Reader.TryRead(out item!))
        {
            return false;
        }
        // Still at the capacity after taking one: a producer is waiting for this place.
        if (Interlocked.Decrement(ref _count) >= capacity)
        {
            _room.Release();
        }
        return true;
    }

    /// <summary>No more writes; the reader still gets what was queued.</summary>
    public void Complete() => _items.Writer.TryComplete();

    public void Dispose() => _room.Dispose();
}
