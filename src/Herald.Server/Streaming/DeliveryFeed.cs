using System.Collections.Concurrent;
using System.Threading.Channels;
using Herald.Delivery.Dispatching;
using Herald.Model;
using Herald.Storage;
using Herald.Storage.Queue;

namespace Herald.Server.Streaming;

/// <summary>
/// Broadcasts stored delivery outcomes to live-tail subscribers: this node's as they are recorded, and on PostgreSQL
/// the other nodes' as <see cref="ClusterTail"/> receives them. Each subscriber has a small bounded buffer that drops
/// its oldest entries, so a slow browser never holds back the dispatcher.
/// </summary>
internal sealed class DeliveryFeed(TimeProvider time) : IDeliveryObserver
{
    private readonly ConcurrentDictionary<Channel<TailEvent>, byte> _subscribers = new();

    // This node's outcomes on their way to the other nodes, while someone in the cluster follows the tail.
    private readonly Channel<TailEvent> _outbound = Channel.CreateBounded<TailEvent>(
        new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private volatile bool _forwarding;
    private long _watchChecks;

    /// <summary>Whether anyone on this node follows the tail.</summary>
    public bool HasSubscribers => !_subscribers.IsEmpty;

    /// <summary>Whether this node's outcomes are also handed to <see cref="Outbound"/> (someone on another node follows the tail).</summary>
    public bool Forwarding
    {
        get => _forwarding;
        set => _forwarding = value;
    }

    /// <summary>How many times this node has read whether anyone in the cluster watches and set <see cref="Forwarding"/>.</summary>
    public long WatchChecks => Interlocked.Read(ref _watchChecks);

    /// <summary>Counts one read of the watch mark (see <see cref="WatchChecks"/>).</summary>
    public void WatchChecked() => Interlocked.Increment(ref _watchChecks);

    /// <summary>This node's outcomes for the other nodes, while <see cref="Forwarding"/>.</summary>
    public ChannelReader<TailEvent> Outbound => _outbound.Reader;

    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<TailEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers[channel] = 0;
        return new Subscription(this, channel);
    }

    public void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes)
    {
        bool forwarding = _forwarding;
        if (_subscribers.IsEmpty && !forwarding)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var (d, r) in outcomes)
        {
            var e = new TailEvent(d.AppId, d.MsgId, d.EndpointId, d.EventType, DeliveryStatusText.Of(r.NewStatus), r.Attempt?.ResponseStatusCode,
                r.Attempt?.ResponseDurationMs, r.AttemptsMade, r.Attempt?.Timestamp ?? now);
            Deliver(e);
            if (forwarding)
            {
                _outbound.Writer.TryWrite(e);
            }
        }
    }

    /// <summary>Hands an outcome to this node's subscribers (one of this node's, or one another node broadcast).</summary>
    public void Deliver(TailEvent e)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(e);
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
