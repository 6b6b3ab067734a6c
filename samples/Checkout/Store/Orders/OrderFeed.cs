using System.Threading.Channels;

namespace Checkout.Store.Orders;

/// <summary>Fans order changes out to the pages watching them (Server-Sent Events), one bounded channel per watcher.</summary>
internal sealed class OrderFeed
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Channel<OrderView>>> _watchers = new(StringComparer.Ordinal);

    public Subscription Subscribe(string orderId)
    {
        // A slow page only misses intermediate states; each view is complete, so the latest one is enough.
        var channel = Channel.CreateBounded<OrderView>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            if (!_watchers.TryGetValue(orderId, out var list))
            {
                _watchers[orderId] = list = [];
            }
            list.Add(channel);
        }
        return new Subscription(this, orderId, channel);
    }

    public void Publish(OrderView view)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(view.Id, out var list))
            {
                foreach (var channel in list)
                {
                    channel.Writer.TryWrite(view);
                }
            }
        }
    }

    private void Remove(string orderId, Channel<OrderView> channel)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(orderId, out var list) && list.Remove(channel) && list.Count == 0)
            {
                _watchers.Remove(orderId);
            }
        }
    }

    public sealed class Subscription(OrderFeed feed, string orderId, Channel<OrderView> channel) : IDisposable
    {
        public ChannelReader<OrderView> Reader => channel.Reader;

        public void Dispose() => feed.Remove(orderId, channel);
    }
}
