using Herald.Ids;

namespace Herald.Server.Streaming;

/// <summary>
/// Which messages a stream has still to send. Ids sort by creation time, but a message can commit after a later one
/// (concurrent requests, other nodes), so each poll re-reads a short window behind the clock and skips ids already sent.
/// </summary>
internal sealed class StreamCursor
{
    public static readonly TimeSpan Lookback = TimeSpan.FromSeconds(2);
    private readonly string _floor;
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    /// <param name="connectedAt">When the listener connected; nothing created before it is sent.</param>
    /// <param name="lastEventId">The last id a reconnecting listener saw (<c>Last-Event-ID</c>); resumes after it.</param>
    public StreamCursor(DateTimeOffset connectedAt, string? lastEventId) =>
        _floor = lastEventId is not null && HeraldId.HasPrefix(lastEventId, HeraldId.Message)
            ? lastEventId
            : HeraldId.LowerBound(HeraldId.Message, connectedAt);

    /// <summary>The exclusive id to read from at <paramref name="now"/>.</summary>
    public string From(DateTimeOffset now)
    {
        string window = HeraldId.LowerBound(HeraldId.Message, now - Lookback);
        string from = string.CompareOrdinal(window, _floor) > 0 ? window : _floor;
        foreach (var old in _sent.Where(id => string.CompareOrdinal(id, from) <= 0).ToList())
        {
            _sent.Remove(old);
        }
        return from;
    }

    /// <summary>Where the stream starts (exclusive): the connection time, or the last id a reconnecting listener saw.</summary>
    public string Floor => _floor;

    /// <summary>Whether the id is newer than where the stream starts.</summary>
    public bool IsAfterFloor(string id) => string.CompareOrdinal(id, _floor) > 0;

    /// <summary>True the first time an id is offered.</summary>
    public bool ShouldSend(string id) => _sent.Add(id);
}
