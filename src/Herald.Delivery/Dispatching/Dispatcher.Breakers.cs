using Herald.Breakers;
using Herald.Storage.Queue;

namespace Herald.Delivery.Dispatching;

// The circuit breaker's side of dispatching. Its state lives in the store (see IDeliveryQueue.RecordResultsAsync); this
// node remembers which endpoints it last saw open, so that deliveries already waiting in an endpoint's lane when
// its breaker opens are held back too instead of being sent one by one.
public sealed partial class Dispatcher
{
    /// <summary>
    /// Lets through the claimed deliveries whose endpoint's breaker is closed, and of those whose breaker was open
    /// only the probe (or all of them when it has closed meanwhile); the rest are back in the queue until the probe.
    /// </summary>
    private async Task<IReadOnlyList<DueDelivery>> PassBreakersAsync(IReadOnlyList<DueDelivery> due, CancellationToken cancellationToken)
    {
        if (_breaker is null)
        {
            return due;
        }
        List<DueDelivery>? held = null;
        foreach (var delivery in due)
        {
            if (delivery.BreakerOpen && !delivery.EndpointDisabled)
            {
                (held ??= []).Add(delivery);
            }
            _openBreakers.Saw(delivery.EndpointId, delivery.BreakerOpen);
        }
        if (held is null)
        {
            return due;
        }
        var ready = due.Where(d => !d.BreakerOpen || d.EndpointDisabled).ToList();
        try
        {
            var passes = await _store.PassBreakersAsync(held, _time.GetUtcNow(), _options.Lease, cancellationToken);
            for (int i = 0; i < held.Count; i++)
            {
                if (Passed(held[i], passes[i]) is { } pass)
                {
                    ready.Add(pass);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: the held deliveries stay claimed until their lease expires, then they are claimed again.
            Log.StoreFailed(_logger, ex);
        }
        return ready;
    }

    /// <summary>
    /// Checks a delivery about to be sent against what this node knows of its endpoint's breaker; returns null
    /// when the delivery was held back until the probe.
    /// </summary>
    private async Task<DueDelivery?> PassBreakerAsync(DueDelivery delivery)
    {
        if (_breaker is null || delivery.Probe || delivery.EndpointDisabled || !_openBreakers.IsOpen(delivery.EndpointId))
        {
            return delivery;
        }
        // One check at a time: when a breaker opens, every send chain of the endpoint's lane comes here at once, and
        // as many concurrent transactions would make the store's connection pool open as many connections (each
        // a new PostgreSQL backend that prepares its statements anew) for the rest of the process's life.
        await _breakerChecks.WaitAsync();
        try
        {
            if (!_openBreakers.IsOpen(delivery.EndpointId))
            {
                return delivery; // closed while this one waited
            }
            var passes = await _store.PassBreakersAsync([delivery], _time.GetUtcNow(), _options.Lease, CancellationToken.None);
            return Passed(delivery, passes[0]);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, ex);
            return null; // still claimed: its lease expires and it is claimed again
        }
        finally
        {
            _breakerChecks.Release();
        }
    }

    private DueDelivery? Passed(DueDelivery delivery, BreakerPass pass)
    {
        switch (pass)
        {
            case BreakerPass.Send:
                _openBreakers.Saw(delivery.EndpointId, open: false);
                return delivery;
            case BreakerPass.Probe:
                Log.Probing(_logger, delivery.EndpointId, delivery.DeliveryId);
                return delivery with { Probe = true };
            default:
                _openBreakers.Saw(delivery.EndpointId, open: true);
                return null;
        }
    }

    /// <summary>Takes in the breakers a stored batch reports; a closed one has work due now, so look for it.</summary>
    private void SawBreakers(IReadOnlyList<BreakerUpdate> breakers)
    {
        bool closed = false;
        foreach (var update in breakers)
        {
            _openBreakers.Saw(update.EndpointId, update.Breaker.Open);
            if (update.Opened)
            {
                Log.BreakerOpened(_logger, update.EndpointId, update.Breaker.ConsecutiveFailures, update.Breaker.NextProbeAt);
                _ = HoldBackWaitingAsync(update.EndpointId);
            }
            else if (update.Closed)
            {
                Log.BreakerClosed(_logger, update.EndpointId);
                closed = true;
            }
        }
        if (closed)
        {
            _signal.Notify();
        }
    }

    /// <summary>
    /// Takes what waits in the line of an endpoint whose breaker just opened out of this node's lanes and holds it
    /// back until the probe, so that a hanging endpoint's line does not keep its application's share while its
    /// requests in flight run into their timeouts.
    /// </summary>
    private async Task HoldBackWaitingAsync(string endpointId)
    {
        var waiting = _lanes.TakeWaiting(endpointId);
        if (waiting.Count == 0)
        {
            return;
        }
        List<DueDelivery>? ready = null;
        try
        {
            var passes = await _store.PassBreakersAsync(waiting, _time.GetUtcNow(), _options.Lease, CancellationToken.None);
            for (int i = 0; i < waiting.Count; i++)
            {
                if (Passed(waiting[i], passes[i]) is { } pass)
                {
                    (ready ??= []).Add(pass);
                }
            }
        }
        catch (Exception ex)
        {
            // Not fatal: they stay claimed until their lease expires, then they are claimed again.
            Log.StoreFailed(_logger, ex);
            return;
        }
        if (ready is not null && Admit(ready) is { } overflow)
        {
            await ReleaseAsync(overflow);
        }
    }
}

/// <summary>The endpoints this node last saw with an open breaker.</summary>
internal sealed class OpenBreakers
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _open = new(StringComparer.Ordinal);

    public bool IsOpen(string endpointId) => !_open.IsEmpty && _open.ContainsKey(endpointId);

    public void Saw(string endpointId, bool open)
    {
        if (open)
        {
            _open.TryAdd(endpointId, 0);
        }
        else if (!_open.IsEmpty)
        {
            _open.TryRemove(endpointId, out _);
        }
    }
}
