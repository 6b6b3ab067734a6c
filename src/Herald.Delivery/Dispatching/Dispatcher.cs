using System.Threading.Channels;
using Herald.Delivery.Sending;
using Herald.Storage.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Delivery.Dispatching;

/// <summary>
/// Claims due deliveries in batches under a lease, sends them concurrently with per-endpoint limits, and writes
/// the attempts back in batches. A claim that is never written back (a crash) expires and is claimed again.
/// Sends to an endpoint with a throttle rate are paced by a token bucket per endpoint, and, when the store is shared
/// by several nodes (<see cref="Herald.Storage.IClusterThrottle"/>), by turns on one schedule for the whole cluster.
/// </summary>
public sealed partial class Dispatcher : BackgroundService, IDeliveryHandoff
{
    private readonly IDeliveryQueue _store;
    private readonly IDeliverySender _sender;
    private readonly DispatchSignal _signal;
    private readonly DeliveryOptions _options;
    private readonly Retries.RetryPolicy _retry;
    private readonly Breakers.BreakerPolicy? _breaker;
    private readonly OpenBreakers _openBreakers = new();
    private readonly SemaphoreSlim _breakerChecks = new(1, 1);
    private readonly TimeProvider _time;
    private readonly ILogger<Dispatcher> _logger;
    private readonly EndpointLanes _lanes;
    private readonly ClusterTurns? _clusterTurns;
    private readonly Channel<(DueDelivery Delivery, DeliveryResult Result)> _results;
    private readonly IDeliveryObserver[] _observers;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sending;
    private volatile bool _stopping;
    private volatile bool _recordingFails;
    private bool _running;

    public Dispatcher(
        IDeliveryQueue store, IDeliverySender sender, DispatchSignal signal, DeliveryOptions options, TimeProvider time, ILogger<Dispatcher> logger,
        IEnumerable<IDeliveryObserver> observers)
    {
        _store = store;
        _sender = sender;
        _signal = signal;
        _options = options;
        _retry = options.ToRetryPolicy();
        _breaker = options.Breaker.ToPolicy();
        _time = time;
        _logger = logger;
        _observers = observers.ToArray();
        _lanes = EndpointLanes.For(options, time);
        _clusterTurns = store is Herald.Storage.IClusterThrottle cluster ? new ClusterTurns(cluster, time) : null;
        _results = Channel.CreateBounded<(DueDelivery, DeliveryResult)>(new BoundedChannelOptions(options.MaxInFlight * 2) { SingleReader = true });
    }

    /// <summary>Deliveries claimed and not yet written back (in flight or waiting for their endpoint).</summary>
    public int Held => _lanes.Held;

    /// <summary>Whether this dispatcher runs and has room for deliveries handed to it directly.</summary>
    public bool CanAccept => !_stopping && !_recordingFails && Volatile.Read(ref _running) && _lanes.Free >= _options.MaxInFlightPerEndpoint;

    /// <summary>The lease under which deliveries handed to <see cref="Accept"/> must have been claimed.</summary>
    public TimeSpan Lease => _options.Lease;

    /// <summary>
    /// Takes deliveries that were claimed when their message was accepted, sending them without a trip through
    /// the queue. What does not fit is handed back to the queue. Deliveries to ordered endpoints come unclaimed
    /// (they wait for their key's turn in the queue): they only wake the claimer.
    /// </summary>
    public void Accept(IReadOnlyList<DueDelivery> deliveries)
    {
        if (deliveries.Any(d => d.OrderingKey is not null))
        {
            _signal.Notify();
            deliveries = deliveries.Where(d => d.OrderingKey is null).ToList();
        }
        if (Admit(deliveries) is { } overflow)
        {
            _ = ReleaseAsync(overflow);
        }
    }

    /// <summary>Starts or queues each delivery in its endpoint's lane; returns those that did not fit.</summary>
    private List<DueDelivery>? Admit(IReadOnlyList<DueDelivery> deliveries)
    {
        List<DueDelivery>? overflow = null;
        foreach (var delivery in deliveries)
        {
            switch (_stopping ? null : _lanes.Admit(delivery))
            {
                case true:
                    Start(delivery);
                    break;
                case null:
                    (overflow ??= []).Add(delivery);
                    break;
            }
        }
        return overflow;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(_logger, _options.BatchSize, _options.MaxInFlight, _options.MaxInFlightPerEndpoint);
        Volatile.Write(ref _running, true);
        var writer = Task.Run(WriteResultsAsync, CancellationToken.None);
        try
        {
            await ClaimLoopAsync(stoppingToken);
        }
        finally
        {
            _stopping = true;
            await _stop.CancelAsync(); // cuts short the waits of throttled sends; they are released
            await ReleaseAsync(_lanes.DrainWaiting().ToList());
            Log.Stopping(_logger, Volatile.Read(ref _sending));
            if (Volatile.Read(ref _sending) > 0)
            {
                await _idle.Task;
            }
            _results.Writer.TryComplete();
            await writer;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // When the host's shutdown timeout runs out, cancel what is still being sent; those deliveries are released.
        await using var registration = cancellationToken.Register(() => _abort.Cancel());
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _stop.Dispose();
        _breakerChecks.Dispose();
        base.Dispose();
    }

    private async Task ClaimLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            _signal.Reset();
            // While results cannot be written, claim nothing: the leases of what is held run out, and claiming them
            // again would send them again. Another node (or this one, once writes succeed) takes them.
            int want = _recordingFails ? 0 : Math.Min(_lanes.Free, _options.BatchSize);
            int claimed = 0;
            if (want > 0)
            {
                try
                {
                    claimed = await ClaimAndStartAsync(want, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Log.StoreFailed(_logger, ex);
                    await WaitAsync(_options.PollInterval, stoppingToken);
                    continue;
                }
            }
            if (claimed < want || want == 0)
            {
                await WaitForWorkAsync(stoppingToken);
            }
        }
    }

    private async Task<int> ClaimAndStartAsync(int want, CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        var due = await _store.ClaimDueAsync(now, _options.Lease, want, _lanes.Limits(), stoppingToken);
        if (Admit(await PassBreakersAsync(due, stoppingToken)) is { } overflow)
        {
            await ReleaseAsync(overflow);
        }
        return due.Count;
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        var wait = _options.PollInterval;
        try
        {
            if (await _store.NextDueAtAsync(_time.GetUtcNow(), stoppingToken) is { } next)
            {
                var until = next - _time.GetUtcNow();
                if (until > TimeSpan.Zero && until < wait)
                {
                    wait = until;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreFailed(_logger, ex);
        }
        await WaitAsync(wait, stoppingToken);
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, _time, cancelDelay.Token);
        await Task.WhenAny(delay, _signal.WaitAsync());
        await cancelDelay.CancelAsync();
        await delay.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Task ReleaseAsync(List<DueDelivery> deliveries) => ReleaseAsync(deliveries, _time.GetUtcNow());

    private async Task ReleaseAsync(List<DueDelivery> deliveries, DateTimeOffset dueAt)
    {
        if (deliveries.Count == 0)
        {
            return;
        }
        try
        {
            await _store.ReleaseAsync(deliveries, dueAt, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Not fatal: the leases expire and the deliveries are claimed again.
            Log.StoreFailed(_logger, ex);
        }
    }
}
