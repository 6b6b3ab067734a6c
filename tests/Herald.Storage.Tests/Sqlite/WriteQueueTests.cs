using System.Threading.Channels;
using Herald.Storage.Sqlite;

namespace Herald.Storage.Tests.Sqlite;

public sealed class WriteQueueTests
{
    [Fact]
    public async Task A_write_past_the_capacity_waits_until_the_reader_takes_an_item_and_order_is_kept()
    {
        using var queue = new WriteQueue<int>(2);
        Assert.True(queue.WriteAsync(1, CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(queue.WriteAsync(2, CancellationToken.None).IsCompletedSuccessfully);
        var third = queue.WriteAsync(3, CancellationToken.None).AsTask();
        var fourth = queue.WriteAsync(4, CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);

        Assert.True(queue.TryRead(out int first));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(queue.TryRead(out int second));
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(queue.TryRead(out int next));
        Assert.True(queue.TryRead(out int last));
        Assert.False(queue.TryRead(out _));
        Assert.Equal([1, 2, 3, 4], new[] { first, second, next, last });
    }

    [Fact]
    public async Task A_producer_that_gives_up_while_waiting_leaves_the_queue_as_it_was()
    {
        using var queue = new WriteQueue<int>(1);
        await queue.WriteAsync(1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = queue.WriteAsync(2, cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        Assert.True(queue.TryRead(out int only));
        Assert.Equal(1, only);
        Assert.False(queue.TryRead(out _));
        Assert.True(queue.WriteAsync(3, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task After_completion_writes_fail_and_the_reader_still_gets_what_was_queued()
    {
        using var queue = new WriteQueue<int>(4);
        await queue.WriteAsync(1, CancellationToken.None);
        queue.Complete();
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await queue.WriteAsync(2, CancellationToken.None));
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryRead(out int item));
        Assert.Equal(1, item);
        Assert.False(await queue.WaitToReadAsync());
    }
}
