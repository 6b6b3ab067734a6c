using System.Collections.Concurrent;
using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// Applications by id or uid, kept between the writes that change them: they are read on every API request and
/// change rarely. Reads see committed rows only, so a store drops the cache when such a write runs and again once
/// it has committed; a read that overlapped a drop does not store what it read. A store that alone writes its
/// database keeps entries until then; a store other nodes write too gives them a <c>maxAge</c>, the longest a
/// change made on another node can go unseen here. A hit takes no lock and allocates nothing: every API request
/// makes one.
/// </summary>
internal sealed class ApplicationCache(TimeSpan? maxAge = null)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly long _maxAgeMs = maxAge is { } age ? (long)age.TotalMilliseconds : long.MaxValue;
    private long _generation;

    // The application as a completed task, so that a hit allocates nothing.
    private sealed record Entry(Task<Application?> App, long LoadedAt);

    /// <summary>The cached application as a completed task, else null (also once it is older than the maximum age).</summary>
    public Task<Application?>? TryGet(string idOrUid) =>
        _entries.TryGetValue(idOrUid, out var cached) && (_maxAgeMs == long.MaxValue || Environment.TickCount64 - cached.LoadedAt <= _maxAgeMs)
            ? cached.App
            : null;

    /// <summary>The cached application, else the loaded one (cached unless the cache was dropped meanwhile).</summary>
    public Task<Application?> GetAsync(string idOrUid, Func<Task<Application?>> load) => TryGet(idOrUid) ?? LoadAsync(idOrUid, load);

    private async Task<Application?> LoadAsync(string idOrUid, Func<Task<Application?>> load)
    {
        // Read before the load: a drop after this point makes the loaded row too old to keep.
        long generation = Volatile.Read(ref _generation);
        long loadedAt = Environment.TickCount64;
        var app = await load();
        if (app is not null)
        {
            lock (_gate)
            {
                if (generation == _generation)
                {
                    if (_entries.Count >= MaxEntries)
                    {
                        _entries.Clear();
                    }
                    _entries[idOrUid] = new Entry(Task.FromResult<Application?>(app), loadedAt);
                }
            }
        }
        return app;
    }

    public void Forget()
    {
        lock (_gate)
        {
            _entries.Clear();
            _generation++;
        }
    }
}
