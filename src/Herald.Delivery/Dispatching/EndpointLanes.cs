using Herald.Storage.Queue;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// Per-endpoint admission: at most <c>perEndpoint</c> requests in flight to one endpoint, a waiting line behind
/// them, and a global bound on everything held. A slow endpoint fills only its own lane.
/// An endpoint whose line is three quarters full is left out of claims; when its line drains to half the claimer
/// is woken to refill it, early enough that a fast endpoint does not run dry while the next claim commits, and with
/// room for a whole batch so that claimed work is rarely handed back.
/// A throttled endpoint (see <see cref="DueDelivery.ThrottleRate"/>) gets a <see cref="TokenBucket"/> and a smaller
/// lane: at most min(perEndpoint, rate) in flight and about as many held as it can send within half the lease, so
/// nothing waits in its line long enough for the lease to run out.
/// Above the lanes, each application holds at most <c>perApp</c> deliveries and retries (deliveries with an attempt
/// made) at most <c>maxRetries</c>, so that one tenant's hanging endpoints, or a wave of retries, leave the rest of
/// the node to the others; what does not fit goes back to the queue. Claims are told the room left (see
/// <see cref="Limits"/>); the claimer is woken when an application or the retries drain to half their limit.
/// </summary>
internal sealed class EndpointLanes(
    int maxHeld, int perEndpoint, int waitingPerEndpoint, TimeSpan lease, TimeProvider time, int perApp = int.MaxValue, int maxRetries = int.MaxValue)
{
    /// <summary>The lanes a dispatcher with these options uses.</summary>
    public static EndpointLanes For(DeliveryOptions options, TimeProvider time) =>
        new(options.MaxInFlight, options.MaxInFlightPerEndpoint, Math.Max(options.MaxInFlightPerEndpoint * 4, options.BatchSize * 2),
            options.Lease, time, options.PerAppLimit, options.RetryLimit);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    // Buckets outlive their lanes: a lane that empties and is refilled a moment later must not start a fresh burst.
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly int _saturatedAt = perEndpoint + Math.Max(1, waitingPerEndpoint * 3 / 4);
    private readonly int _refillAt = perEndpoint + (waitingPerEndpoint / 2);
    // The line an endpoint gets before anything of it has finished, and the time over which finished sends are counted.
    private readonly int _minWaiting = Math.Max(1, Math.Min(perEndpoint, waitingPerEndpoint * 3 / 4));
    private static readonly TimeSpan RateWindow = TimeSpan.FromMilliseconds(500);
    private readonly Dictionary<string, int> _apps = new(StringComparer.Ordinal);
    private int _pruneBucketsAt = 64;
    private int _held;
    private int _retries;

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

    /// <summary>Deliveries of the application held now (in flight and waiting).</summary>
    public int HeldOf(string appId)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault(appId);
        }
    }

    /// <summary>Retries held now (in flight and waiting).</summary>
    public int Retries
    {
        get
        {
            lock (_gate)
            {
                return _retries;
            }
        }
    }

    /// <summary>What the next claim may take: not the saturated endpoints' work, each application its room, retries theirs.</summary>
    public ClaimLimits Limits()
    {
        var excluded = Saturated();
        lock (_gate)
        {
            var room = new Dictionary<string, int>(_apps.Count, StringComparer.Ordinal);
            foreach (var (app, held) in _apps)
            {
                room[app] = perApp - held;
            }
            return new ClaimLimits
            {
                ExcludedEndpoints = excluded,
                PerApp = perApp == int.MaxValue ? null : perApp,
                AppRoom = room,
                Retries = maxRetries == int.MaxValue ? null : Math.Max(0, maxRetries - _retries),
            };
        }
    }

    /// <summary>
    /// Endpoints whose line is full enough that claiming more of their work would only wait: for an ordinary lane,
    /// more waiting than the endpoint finished in the last <see cref="RateWindow"/>. Each is woken for more work
    /// when its line has drained to half of that.
    /// </summary>
    public IReadOnlyCollection<string> Saturated()
    {
        lock (_gate)
        {
            List<string>? saturated = null;
            long now = time.GetTimestamp();
            foreach (var (id, lane) in _lanes)
            {
                int at = lane.Bucket is null
                    ? Math.Min(lane.SaturatedAt, lane.InFlightLimit + Math.Max(_minWaiting, lane.RecentlyFinished(now, time)))
                    : lane.SaturatedAt;
                if (lane.Held >= at)
                {
                    (saturated ??= []).Add(id);
                    lane.RefillBelow = lane.Bucket is null ? lane.InFlightLimit + ((at - lane.InFlightLimit) / 2) : lane.RefillAt;
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
            int appHeld = _apps.GetValueOrDefault(delivery.AppId);
            bool retry = IsRetry(delivery);
            if (appHeld >= perApp || (retry && _retries >= maxRetries))
            {
                return null;
            }
            if (!_lanes.TryGetValue(delivery.EndpointId, out var lane))
            {
                lane = new Lane { InFlightLimit = perEndpoint, HeldLimit = perEndpoint + waitingPerEndpoint, SaturatedAt = _saturatedAt, RefillAt = _refillAt, WindowStart = time.GetTimestamp() };
                _lanes[delivery.EndpointId] = lane;
            }
            if (delivery.ThrottleRate is int rate and > 0)
            {
                Throttle(delivery.EndpointId, lane, rate);
            }
            else if (lane.Bucket is not null)
            {
                // The rate was removed: the lane is an ordinary one again.
                lane.Bucket = null;
                (lane.InFlightLimit, lane.HeldLimit, lane.SaturatedAt, lane.RefillAt) = (perEndpoint, perEndpoint + waitingPerEndpoint, _saturatedAt, _refillAt);
            }
            bool? admitted = null;
            if (lane.InFlight < lane.InFlightLimit)
            {
                lane.InFlight++;
                admitted = true;
            }
            else if (lane.Held < lane.HeldLimit && _held < maxHeld)
            {
                lane.Waiting.Enqueue(delivery);
                admitted = false;
            }
            else
            {
                return null;
            }
            _held++;
            _apps[delivery.AppId] = appHeld + 1;
            if (retry)
            {
                _retries++;
            }
            return admitted;
        }
    }

    /// <summary>The token bucket of a throttled endpoint that has deliveries held, or null.</summary>
    public TokenBucket? Bucket(string endpointId)
    {
        lock (_gate)
        {
            return _lanes.TryGetValue(endpointId, out var lane) ? lane.Bucket : null;
        }
    }

    /// <summary>
    /// Marks the send of <paramref name="done"/> finished; returns the next waiting delivery of its endpoint to send,
    /// if any. <paramref name="refill"/> says the claimer should look for more work now.
    /// </summary>
    public DueDelivery? Complete(DueDelivery done, out bool refill)
    {
        lock (_gate)
        {
            refill = _held == maxHeld;
            _held--;
            refill |= Release(done);
            string endpointId = done.EndpointId;
            var lane = _lanes[endpointId];
            lane.Finished(time.GetTimestamp(), time);
            // More in flight than the limit (it was lowered by a new rate): let this chain end instead.
            if (lane.InFlight <= lane.InFlightLimit && lane.Waiting.TryDequeue(out var next))
            {
                refill |= lane.Drained();
                return next;
            }
            lane.InFlight--;
            refill |= lane.Drained();
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
                foreach (var waiting in lane.Waiting)
                {
                    Release(waiting);
                }
                all.AddRange(lane.Waiting);
                lane.Waiting.Clear();
            }
            return all;
        }
    }

    /// <summary>
    /// Takes the deliveries waiting in one endpoint's line out of it (its breaker opened: they are not to be sent
    /// one by one); the caller holds them back or admits them again.
    /// </summary>
    public List<DueDelivery> TakeWaiting(string endpointId)
    {
        lock (_gate)
        {
            if (!_lanes.TryGetValue(endpointId, out var lane) || lane.Waiting.Count == 0)
            {
                return [];
            }
            var taken = lane.Waiting.ToList();
            lane.Waiting.Clear();
            _held -= taken.Count;
            foreach (var delivery in taken)
            {
                Release(delivery);
            }
            return taken;
        }
    }

    private static bool IsRetry(DueDelivery delivery) => delivery.AttemptsMade > 0;

    /// <summary>Takes a delivery off its application's and the retries' count; true when either just drained to half its limit.</summary>
    private bool Release(DueDelivery delivery)
    {
        bool refill = false;
        int appHeld = _apps[delivery.AppId] - 1;
        if (appHeld == 0)
        {
            _apps.Remove(delivery.AppId);
        }
        else
        {
            _apps[delivery.AppId] = appHeld;
        }
        refill |= perApp != int.MaxValue && appHeld == perApp / 2;
        if (IsRetry(delivery))
        {
            _retries--;
            refill |= maxRetries != int.MaxValue && _retries == maxRetries / 2;
        }
        return refill;
    }

    /// <summary>Gives the lane its endpoint's bucket at the latest rate, and the limits that follow from the rate.</summary>
    private void Throttle(string endpointId, Lane lane, int rate)
    {
        if (lane.Bucket is not null && lane.Rate == rate)
        {
            return;
        }
        if (_buckets.TryGetValue(endpointId, out var bucket))
        {
            bucket.SetRate(rate);
        }
        else
        {
            PruneBuckets();
            bucket = new TokenBucket(rate, time);
            _buckets[endpointId] = bucket;
        }
        int held = (int)Math.Clamp(rate * lease.TotalSeconds / 2, 1, perEndpoint + waitingPerEndpoint);
        lane.Bucket = bucket;
        lane.Rate = rate;
        lane.InFlightLimit = Math.Min(Math.Min(perEndpoint, rate), held);
        lane.HeldLimit = held;
        lane.SaturatedAt = Math.Max(1, held * 3 / 4);
        lane.RefillAt = Math.Min(held / 2, lane.SaturatedAt - 1);
    }

    /// <summary>Drops the buckets of idle endpoints once there are many; a full bucket is no different from a new one.</summary>
    private void PruneBuckets()
    {
        if (_buckets.Count < _pruneBucketsAt)
        {
            return;
        }
        foreach (var (id, bucket) in _buckets)
        {
            if (!_lanes.ContainsKey(id) && bucket.IsFull)
            {
                _buckets.Remove(id);
            }
        }
        _pruneBucketsAt = Math.Max(64, _buckets.Count * 2);
    }

    private sealed class Lane
    {
        public int InFlight;
        public readonly Queue<DueDelivery> Waiting = new();
        public int InFlightLimit;
        /// <summary>In flight and waiting together; counted this way so that a throttled lane can hold fewer than its in-flight limit.</summary>
        public int HeldLimit;
        public int SaturatedAt;
        public int RefillAt;
        public TokenBucket? Bucket;
        public int Rate;

        /// <summary>Where a line left out of claims asks for more work; <see cref="Excluded"/> says it was left out.</summary>
        public int RefillBelow = -1;
        public long WindowStart;
        public int FinishedNow;
        public int FinishedBefore;

        public int Held => InFlight + Waiting.Count;

        /// <summary>True once when a line that was left out of claims has drained to its refill level.</summary>
        public bool Drained()
        {
            if (Held == RefillAt || (RefillBelow >= 0 && Held <= RefillBelow))
            {
                RefillBelow = -1;
                return true;
            }
            return false;
        }

        public void Finished(long now, TimeProvider time)
        {
            Roll(now, time);
            FinishedNow++;
        }

        /// <summary>Sends finished in about the last <see cref="RateWindow"/> (none when nothing finished for twice as long).</summary>
        public int RecentlyFinished(long now, TimeProvider time)
        {
            Roll(now, time);
            return Math.Max(FinishedBefore, FinishedNow);
        }

        private void Roll(long now, TimeProvider time)
        {
            var elapsed = time.GetElapsedTime(WindowStart, now);
            if (elapsed < RateWindow)
            {
                return;
            }
            FinishedBefore = elapsed < RateWindow * 2 ? FinishedNow : 0;
            FinishedNow = 0;
            WindowStart = now;
        }
    }
}
