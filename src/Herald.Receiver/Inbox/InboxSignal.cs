using System.Threading.Channels;

namespace Herald.Receiver.Inbox;

/// <summary>Wakes the processor when work arrives; signals coalesce, so a burst costs one wake-up.</summary>
internal sealed class InboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken cancellationToken) =>
        await _channel.Reader.ReadAsync(cancellationToken);
}
