using System.Collections.Concurrent;
using System.Threading.Channels;
using Herald.Delivery.Dispatching;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Streaming;

/// <summary>
/// Broadcasts this node's stored delivery outcomes to live-tail subscribers. Each subscriber has a small bounded
/// buffer that drops its oldest entries, so a slow browser never holds back the dispatcher.
/// </summary>
internal sealed class DeliveryFeed(TimeProvider time) : IDeliveryObserver
{
    private readonly ConcurrentDictionary<Channel<TailEvent>, byte> _subscribers = new();

    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<TailEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers[channel] = 0;
        return new Subscription(this, channel);
    }

    public void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var (d, r) in outcomes)
        {
            var e = new TailEvent(d.AppId, d.MsgId, d.EndpointId, d.EventType, DeliveryStatusText.Of(r.NewStatus), r.Attempt?.ResponseStatusCode,
                r.Attempt?.ResponseDurationMs, r.AttemptsMade, r.Attempt?.Timestamp ?? now);
            foreach (var subscriber in _subscribers.Keys)
            {
                subscriber.Writer.TryWrite(e);
            }
        }
    }

    public void EndpointsDisabled(IReadOnlyList<string> endpointIds)
    {
    }

    internal sealed class Subscription(DeliveryFeed feed, Channel<TailEvent> channel) : IDisposable
    {
        public ChannelReader<TailEvent> Reader => channel.Reader;

        public void Dispose() => feed._subscribers.TryRemove(channel, out _);
    }
}
