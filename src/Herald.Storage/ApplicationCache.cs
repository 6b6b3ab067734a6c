using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// Applications by id or uid, kept between the writes that change them: they are read on every API request and
/// change rarely. Reads see committed rows only, so a store drops the cache when such a write runs and again once
/// it has committed; a read that overlapped a drop does not store what it read. Only for a store that alone
/// writes its database.
/// </summary>
internal sealed class ApplicationCache
{
    private const int MaxEntries = 10_000;
    private readonly Dictionary<string, Application> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>The cached application, else the loaded one (cached unless the cache was dropped meanwhile).</summary>
    public async Task<Application?> GetAsync(string idOrUid, Func<Task<Application?>> load)
    {
        long generation;
        lock (_entries)
        {
            if (_entries.TryGetValue(idOrUid, out var cached))
            {
                return cached;
            }
            generation = _generation;
        }
        var app = await load();
        if (app is not null)
        {
            lock (_entries)
            {
                if (generation == _generation)
                {
                    if (_entries.Count >= MaxEntries)
                    {
                        _entries.Clear();
                    }
                    _entries[idOrUid] = app;
                }
            }
        }
        return app;
    }

    public void Forget()
    {
        lock (_entries)
        {
            _entries.Clear();
            _generation++;
        }
    }
}
