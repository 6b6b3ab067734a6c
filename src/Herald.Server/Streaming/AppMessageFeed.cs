using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Herald.Server.Api;
using Herald.Storage;

namespace Herald.Server.Streaming;

/// <summary>The loop behind one application's live streams: polls the store and hands every new message to each stream.</summary>
internal sealed class AppMessageFeed(string appId, IMessageStore store, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<Channel<StreamItem>, byte> _subscribers = new();
    private readonly CancellationTokenSource _stop = new();

    public int Subscribers => _subscribers.Count;

    public void Add(Channel<StreamItem> channel) => _subscribers[channel] = 0;

    public void Remove(Channel<StreamItem> channel)
    {
        _subscribers.TryRemove(channel, out _);
        channel.Writer.TryComplete();
    }

    public void Stop() => _stop.Cancel();

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
        var ct = linked.Token;
        // Streams catch up on what came before they joined themselves; the feed starts now.
        var cursor = new StreamCursor(time.GetUtcNow(), null);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await foreach (var item in ReadAsync(store, appId, cursor.From(time.GetUtcNow()), cursor.ShouldSend, ct))
                    {
                        Publish(item);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    AppMessageFeeds.LogPollFailed(logger, appId, ex);
                }
                await Task.Delay(PollInterval, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var channel in _subscribers.Keys)
            {
                channel.Writer.TryComplete();
            }
            _stop.Dispose();
        }
    }

    /// <summary>Messages of the application after <paramref name="from"/> (exclusive) that <paramref name="offer"/> accepts, oldest first.</summary>
    public static async IAsyncEnumerable<StreamItem> ReadAsync(IMessageStore store, string appId, string from, Func<string, bool> offer,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? iterator = from;
        Page<Herald.Model.Message> page;
        do
        {
            page = await store.ListMessagesAsync(appId, new MessageQuery { Page = new PageRequest(100, iterator, false) }, ct);
            foreach (var m in page.Data.Where(m => offer(m.Id)))
            {
                yield return new StreamItem(m.Id, JsonSerializer.Serialize(
                    new StreamedMessage(m.Id, m.EventType, m.EventId, m.Channels, MessagesApi.Payload(m.Payload), m.CreatedAt),
                    StreamJsonContext.Default.StreamedMessage));
            }
            iterator = page.Iterator;
        }
        while (!page.Done);
    }

    private void Publish(StreamItem item)
    {
        foreach (var channel in _subscribers.Keys)
        {
            // A stream 1,024 messages behind is ended; its listener reconnects with Last-Event-ID and catches up.
            if (!channel.Writer.TryWrite(item))
            {
                channel.Writer.TryComplete(new StreamOverflowException());
            }
        }
    }
}

internal sealed class StreamOverflowException() : Exception("The stream fell too far behind.");
