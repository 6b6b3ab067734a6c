using System.Threading.Channels;
using Herald.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Server.Streaming;

/// <summary>
/// One shared feed per application with live streams: a single loop reads the application's new messages from the
/// store and hands each to every stream of that application, so a thousand idle listeners cost one poll, not a
/// thousand. Streams are counted per application and per token against <see cref="LimitsOptions"/>.
/// </summary>
internal sealed partial class AppMessageFeeds(Storage.IMessageStore store, TimeProvider time, IHostApplicationLifetime lifetime,
    IOptions<LimitsOptions> limits, ILogger<AppMessageFeeds> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AppMessageFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perToken = new(StringComparer.Ordinal);

    /// <summary>Feeds running now (one per application with at least one stream).</summary>
    public int RunningFeeds
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>Joins the application's feed, or says which limit refuses it.</summary>
    public (FeedSubscription? Subscription, string? Refusal) TrySubscribe(string appId, string tokenKey)
    {
        lock (_lock)
        {
            _feeds.TryGetValue(appId, out var feed);
            if (feed is not null && feed.Subscribers >= limits.Value.StreamsPerApp)
            {
                return (null, $"This application already has {limits.Value.StreamsPerApp} live streams (Herald:Limits:StreamsPerApp).");
            }
            if (_perToken.GetValueOrDefault(tokenKey) >= limits.Value.StreamsPerToken)
            {
                return (null, $"This token already holds {limits.Value.StreamsPerToken} live streams (Herald:Limits:StreamsPerToken).");
            }
            if (feed is null)
            {
                feed = new AppMessageFeed(appId, store, time, logger);
                _feeds[appId] = feed;
                _ = feed.RunAsync(lifetime.ApplicationStopping);
            }
            _perToken[tokenKey] = _perToken.GetValueOrDefault(tokenKey) + 1;
            var channel = Channel.CreateBounded<StreamItem>(new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
            feed.Add(channel);
            return (new FeedSubscription(channel.Reader, () => Leave(appId, tokenKey, feed, channel)), null);
        }
    }

    private void Leave(string appId, string tokenKey, AppMessageFeed feed, Channel<StreamItem> channel)
    {
        lock (_lock)
        {
            feed.Remove(channel);
            if (feed.Subscribers == 0 && _feeds.GetValueOrDefault(appId) == feed)
            {
                _feeds.Remove(appId);
                feed.Stop();
            }
            if (_perToken.GetValueOrDefault(tokenKey) is var count and > 1)
            {
                _perToken[tokenKey] = count - 1;
            }
            else
            {
                _perToken.Remove(tokenKey);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The live-stream feed of application {AppId} could not read new messages")]
    internal static partial void LogPollFailed(ILogger logger, string appId, Exception exception);
}

/// <summary>One message as every stream of its application sends it (serialized once).</summary>
internal sealed record StreamItem(string Id, string Json);

/// <summary>A stream's place in its application's feed; disposing it leaves.</summary>
internal sealed class FeedSubscription(ChannelReader<StreamItem> reader, Action leave) : IDisposable
{
    private int _left;

    public ChannelReader<StreamItem> Reader => reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            leave();
        }
    }
}
