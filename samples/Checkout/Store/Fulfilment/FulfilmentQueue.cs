using System.Threading.Channels;

namespace Checkout.Store.Fulfilment;

/// <summary>Paid orders waiting to be shipped and confirmed; bounded, so a flood waits instead of growing memory.</summary>
internal sealed class FulfilmentQueue
{
    private readonly Channel<string> _orders = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { SingleReader = true });

    public ValueTask EnqueueAsync(string orderId, CancellationToken cancellationToken) => _orders.Writer.WriteAsync(orderId, cancellationToken);

    public ChannelReader<string> Reader => _orders.Reader;
}
