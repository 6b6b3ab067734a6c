namespace Herald.Storage;

/// <summary>
/// Best-effort messages to every node of the cluster, for what each node should see although another one produced
/// it (the dashboard's live tail). A listener that is reconnecting misses what was sent meanwhile. Only a store whose
/// database several nodes share offers it.
/// </summary>
public interface IClusterBroadcast
{
    /// <summary>The channel of the live tail: stored delivery outcomes of every node.</summary>
    const string TailChannel = "herald_tail";

    /// <summary>The largest payload, in bytes of UTF-8, that <see cref="BroadcastAsync"/> takes.</summary>
    int MaxPayloadBytes { get; }

    /// <summary>Sends <paramref name="payload"/> to every listener of <paramref name="channel"/>.</summary>
    Task BroadcastAsync(string channel, string payload, CancellationToken cancellationToken);

    /// <summary>
    /// Listens on each of <paramref name="channels"/> until cancelled, calling its handler with each payload;
    /// <paramref name="onConnected"/> runs after every (re)connect. Failures are reported to <paramref name="onError"/> and retried.
    /// </summary>
    Task ListenAsync(IReadOnlyDictionary<string, Action<string>> channels, Action onConnected, Action<Exception>? onError, CancellationToken cancellationToken);

    /// <summary>Says that someone on some node follows the live tail until <paramref name="until"/>, so that every node publishes its outcomes.</summary>
    Task WatchTailAsync(DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Until when some node's live tail is followed; null when never.</summary>
    Task<DateTimeOffset?> TailWatchedUntilAsync(CancellationToken cancellationToken);
}
