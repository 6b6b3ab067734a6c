using Herald.Storage;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// Per-endpoint admission: at most <c>perEndpoint</c> requests in flight to one endpoint, a waiting line behind
/// them, and a global bound on everything held. A slow endpoint fills only its own lane.
/// An endpoint whose line is three quarters full is left out of claims; when its line drains to half the claimer
/// is woken to refill it, early enough that a fast endpoint does not run dry while the next claim commits, and with
/// room for a whole batch so that claimed work is rarely handed back.
/// </summary>
internal sealed class EndpointLanes(int maxHeld, int perEndpoint, int waitingPerEndpoint)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly int _saturatedAt = Math.Max(1, waitingPerEndpoint * 3 / 4);
    private readonly int _refillAt = waitingPerEndpoint / 2;
    private int _held;

    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    public int Free
    {
        get
        {
            lock (_gate)
            {
                return maxHeld - _held;
            }
        }
    }

    /// <summary>Endpoints whose line is full enough that claiming more of their work would only wait.</summary>
    public IReadOnlyCollection<string> Saturated()
    {
        lock (_gate)
        {
            List<string>? saturated = null;
            foreach (var (id, lane) in _lanes)
            {
                if (lane.Waiting.Count >= _saturatedAt)
                {
                    (saturated ??= []).Add(id);
                }
            }
            return saturated ?? (IReadOnlyCollection<string>)[];
        }
    }

    /// <summary>Admits a claimed delivery: true to send now, false when queued; null when the lane is full (release it).</summary>
    public bool? Admit(DueDelivery delivery)
    {
        lock (_gate)
        {
            if (!_lanes.TryGetValue(delivery.EndpointId, out var lane))
            {
                lane = new Lane();
                _lanes[delivery.EndpointId] = lane;
            }
            if (lane.InFlight < perEndpoint)
            {
                lane.InFlight++;
                _held++;
                return true;
            }
            if (lane.Waiting.Count < waitingPerEndpoint && _held < maxHeld)
            {
                lane.Waiting.Enqueue(delivery);
                _held++;
                return false;
            }
            return null;
        }
    }

    /// <summary>
    /// Marks one send to the endpoint finished; returns the next waiting delivery to send, if any.
    /// <paramref name="refill"/> says the claimer should look for more work now.
    /// </summary>
    public DueDelivery? Complete(string endpointId, out bool refill)
    {
        lock (_gate)
        {
            refill = _held == maxHeld;
            _held--;
            var lane = _lanes[endpointId];
            if (lane.Waiting.TryDequeue(out var next))
            {
                refill |= lane.Waiting.Count == _refillAt;
                return next;
            }
            lane.InFlight--;
            if (lane.InFlight == 0)
            {
                _lanes.Remove(endpointId);
            }
            return null;
        }
    }

    /// <summary>Empties every waiting line (shutdown); the caller releases what it gets back.</summary>
    public List<DueDelivery> DrainWaiting()
    {
        lock (_gate)
        {
            var all = new List<DueDelivery>();
            foreach (var lane in _lanes.Values)
            {
                _held -= lane.Waiting.Count;
                all.AddRange(lane.Waiting);
                lane.Waiting.Clear();
            }
            return all;
        }
    }

    private sealed class Lane
    {
        public int InFlight;
        public readonly Queue<DueDelivery> Waiting = new();
    }
}
