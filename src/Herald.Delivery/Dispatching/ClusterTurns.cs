using Herald.Storage;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// This node's side of the cluster throttle. The sends of one endpoint that want a turn at the same moment ask the
/// store together, in one reservation of consecutive turns, instead of each holding a database connection while
/// it queues for the endpoint's schedule row; while one reservation is out, newcomers gather for the next. The
/// reservation reaches only as far as the earliest lease among those asking allows; the askers beyond what was
/// granted are refused and told the next free turn.
/// A turn is kept only on time: a sender that gets to its turn late (a slow answer, a busy machine) would bunch
/// with the turns after it, so it lets the turn go and asks again, a few times, and is then refused.
/// </summary>
internal sealed class ClusterTurns(IClusterThrottle store, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<TaskCompletionSource<ThrottleTurns>>> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _latest = new(StringComparer.Ordinal);
    private readonly HashSet<string> _asking = new(StringComparer.Ordinal);

    /// <summary>At most this many turns in one reservation.</summary>
    public const int MaxPerReservation = 256;

    /// <summary>How often a sender that was late for its turn asks again before it is refused.</summary>
    public const int MaxAsks = 4;

    /// <summary>How late a sender may be for its turn: one spacing, and never less than 10 ms.</summary>
    public static TimeSpan Tolerance(TimeSpan spacing) => spacing > TimeSpan.FromMilliseconds(10) ? spacing : TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Waits for a turn of the endpoint no later than <paramref name="latest"/>: null once it has come, else (refused)
    /// the schedule's next free turn.
    /// </summary>
    public async Task<DateTimeOffset?> WaitForTurnAsync(string endpointId, int perSecond, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        for (int ask = 1; ; ask++)
        {
            var (turns, index) = await AskAsync(endpointId, perSecond, latest, cancellationToken);
            if (index >= turns.Granted)
            {
                return turns.Next;
            }
            var at = turns.At(index);
            var wait = at - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            var now = time.GetUtcNow();
            if (now - at <= Tolerance(turns.Spacing))
            {
                return null;
            }
            if (ask == MaxAsks)
            {
                return now;
            }
        }
    }

    /// <summary>Joins the next reservation of the endpoint; returns it and this asker's place in it.</summary>
    private async Task<(ThrottleTurns Turns, int Index)> AskAsync(string endpointId, int perSecond, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<ThrottleTurns>(TaskCreationOptions.RunContinuationsAsynchronously);
        int index;
        bool ask;
        lock (_gate)
        {
            if (!_waiting.TryGetValue(endpointId, out var line))
            {
                _waiting[endpointId] = line = [];
            }
            if (line.Count == 0 || latest < _latest[endpointId])
            {
                _latest[endpointId] = latest;
            }
            index = line.Count;
            line.Add(answer);
            ask = _asking.Add(endpointId);
        }
        if (ask)
        {
            _ = ReserveAsync(endpointId, perSecond);
        }
        return (await answer.Task.WaitAsync(cancellationToken), index % MaxPerReservation);
    }

    private async Task ReserveAsync(string endpointId, int perSecond)
    {
        while (true)
        {
            List<TaskCompletionSource<ThrottleTurns>> line;
            DateTimeOffset latest;
            lock (_gate)
            {
                if (!_waiting.Remove(endpointId, out line!) || line.Count == 0)
                {
                    _latest.Remove(endpointId);
                    _asking.Remove(endpointId);
                    return;
                }
                latest = _latest[endpointId];
            }
            // Askers are numbered by their place in the line; each reservation serves the next MaxPerReservation.
            foreach (var chunk in line.Chunk(MaxPerReservation))
            {
                try
                {
                    var turns = await store.TakeTurnsAsync(endpointId, perSecond, chunk.Length, time.GetUtcNow(), latest, CancellationToken.None);
                    foreach (var answer in chunk)
                    {
                        answer.TrySetResult(turns);
                    }
                }
                catch (Exception ex)
                {
                    foreach (var answer in chunk)
                    {
                        answer.TrySetException(ex);
                    }
                }
            }
        }
    }
}
