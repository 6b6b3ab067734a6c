namespace Herald.Delivery.Dispatching;

/// <summary>
/// The send budget of one throttled endpoint on this node: <see cref="Rate"/> tokens a second, holding at most one
/// second's worth, so a burst after a quiet spell is at most <see cref="Rate"/> sends. Each send takes a token. A
/// sender that finds none reserves the next one (the balance goes below zero) and waits until it is due, so
/// concurrent senders queue up in order instead of polling.
/// </summary>
internal sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private int _rate;
    private double _tokens;
    private long _refilledAt;

    public TokenBucket(int rate, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        _time = time;
        _rate = rate;
        _tokens = rate;
        _refilledAt = time.GetTimestamp();
    }

    public int Rate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    /// <summary>Whether the bucket holds a full second's worth: it is then no different from a new one.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens >= _rate;
            }
        }
    }

    /// <summary>
    /// Follows a changed rate from now on. Tokens above the new burst are dropped; turns already reserved keep
    /// the time they were promised, and later ones follow at the new rate.
    /// </summary>
    public void SetRate(int rate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        lock (_gate)
        {
            if (rate == _rate)
            {
                return;
            }
            Refill();
            _tokens = _tokens < 0 ? _tokens * rate / _rate : Math.Min(_tokens, rate);
            _rate = rate;
        }
    }

    /// <summary>Takes a token; returns how long to wait before using it (zero when one was there).</summary>
    public TimeSpan Take()
    {
        lock (_gate)
        {
            Refill();
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Round(-_tokens / _rate * TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>Takes a token and waits until it may be used; returns whether it had to wait.</summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Take();
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }
        await Task.Delay(wait, _time, cancellationToken);
        return true;
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        double seconds = (now - _refilledAt) / (double)_time.TimestampFrequency;
        _refilledAt = now;
        _tokens = Math.Min(_rate, _tokens + (seconds * _rate));
    }
}
