using System.Collections.Concurrent;
using System.Text.Json;
using Herald.Testing;

namespace Herald.Server.Tests.Ordering;

/// <summary>
/// A receiver that reads <c>{"key":…,"n":…}</c> payloads, keeps what arrived per key in arrival order, and notes any
/// moment at which two requests of one key were in flight at once.
/// </summary>
internal sealed class OrderedReceiver
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _arrivals = new(StringComparer.Ordinal);
    private int _overlaps;

    /// <summary>Times two requests of one key were in flight together.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    /// <summary>Runs before a request of (key, n) is answered; its task holds the answer back.</summary>
    public Func<string, int, Task>? Before { get; set; }

    public IReadOnlyList<int> Arrivals(string key) => _arrivals.TryGetValue(key, out var q) ? q.ToArray() : [];

    public void Attach(TestReceiver receiver) => receiver.Respond = async (ctx, request) =>
    {
        using var doc = JsonDocument.Parse(request.Body);
        string key = doc.RootElement.GetProperty("key").GetString()!;
        int n = doc.RootElement.GetProperty("n").GetInt32();
        _arrivals.GetOrAdd(key, _ => new ConcurrentQueue<int>()).Enqueue(n);
        if (_inFlight.AddOrUpdate(key, 1, (_, v) => v + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }
        try
        {
            await Task.Delay(3, ctx.RequestAborted);
            if (Before is { } before)
            {
                await before(key, n);
            }
        }
        finally
        {
            _inFlight.AddOrUpdate(key, 0, (_, v) => v - 1);
        }
        await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
    };

    /// <summary>
    /// Whether the key's arrivals are 1..<paramref name="count"/> in order, each possibly repeated (a request in
    /// flight when a node died is sent again) but never one arriving after a later one, and none skipped.
    /// </summary>
    public static bool InOrder(IReadOnlyList<int> arrivals, int count)
    {
        int last = 0;
        foreach (int n in arrivals)
        {
            if (n != last && n != last + 1)
            {
                return false;
            }
            last = n;
        }
        return last == count;
    }
}
