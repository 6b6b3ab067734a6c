using System.Collections.Concurrent;
using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// Applications by id or uid, kept between the writes that change them: they are read on every API request and
/// change rarely. Reads see committed rows only, so a store drops the cache when such a write runs and again once
/// it has committed; a read that overlapped a drop does not store what it read. Only for a store that alone
/// writes its database. A hit takes no lock: every API request makes one.
/// </summary>
internal sealed class ApplicationCache
{
    private const int MaxEntries = 10_000;
    // Completed tasks, so that a hit allocates nothing.
    private readonly ConcurrentDictionary<string, Task<Application?>> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    /// <summary>The cached application as a completed task, else null.</summary>
    public Task<Application?>? TryGet(string idOrUid) => _entries.TryGetValue(idOrUid, out var cached) ? cached : null;

    /// <summary>The cached application, else the loaded one (cached unless the cache was dropped meanwhile).</summary>
    public Task<Application?> GetAsync(string idOrUid, Func<Task<Application?>> load) => TryGet(idOrUid) ?? LoadAsync(idOrUid, load);

    private async Task<Application?> LoadAsync(string idOrUid, Func<Task<Application?>> load)
    {
        // Read before the load: a drop after this point makes the loaded row too old to keep.
        long generation = Volatile.Read(ref _generation);
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
                    _entries[idOrUid] = Task.FromResult<Application?>(app);
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
