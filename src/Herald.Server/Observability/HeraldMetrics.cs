using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Herald.Model;
using Herald.Storage;
using Herald.Storage.Queue;

namespace Herald.Server.Observability;

/// <summary>
/// Herald's counters, kept in process and exposed at <c>/metrics</c> (Prometheus text) and through the
/// <c>Herald</c> <see cref="Meter"/> (for OpenTelemetry exporters). Delivery outcomes are counted once they are stored.
/// </summary>
internal sealed class HeraldMetrics : IDisposable
{
    public const string MeterName = "Herald";
    public static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly ConcurrentDictionary<string, StrongBox> _inFlight = new(StringComparer.Ordinal);
    private readonly long[] _bucketCounts = new long[LatencyBuckets.Length + 1];
    private readonly Lock _latencyGate = new();
    private readonly Meter _meter;
    private readonly Histogram<double> _latency;
    private long _ingested, _delivered, _failed, _retried, _attemptsSucceeded, _attemptsFailed, _breakersOpened, _breakersClosed;
    private double _latencySum;

    public HeraldMetrics()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("herald.messages.ingested", () => Ingested, description: "Messages accepted by the API.");
        _meter.CreateObservableCounter("herald.deliveries.delivered", () => Delivered, description: "Deliveries that succeeded.");
        _meter.CreateObservableCounter("herald.deliveries.failed", () => Failed, description: "Deliveries given up on.");
        _meter.CreateObservableCounter("herald.deliveries.retried", () => Retried, description: "Failed attempts scheduled to be tried again.");
        _latency = _meter.CreateHistogram<double>("herald.delivery.duration", "s", "Duration of delivery attempts.");
    }

    public long Ingested => Interlocked.Read(ref _ingested);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);
    public long Retried => Interlocked.Read(ref _retried);
    public long AttemptsSucceeded => Interlocked.Read(ref _attemptsSucceeded);
    public long AttemptsFailed => Interlocked.Read(ref _attemptsFailed);

    public long BreakersOpened => Interlocked.Read(ref _breakersOpened);
    public long BreakersClosed => Interlocked.Read(ref _breakersClosed);

    public void MessageIngested() => Interlocked.Increment(ref _ingested);

    public void BreakersChanged(IReadOnlyList<Breakers.BreakerUpdate> changes)
    {
        foreach (var change in changes)
        {
            Interlocked.Increment(ref change.Opened ? ref _breakersOpened : ref _breakersClosed);
        }
    }

    public void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes)
    {
        foreach (var (_, result) in outcomes)
        {
            switch (result.NewStatus)
            {
                case DeliveryStatus.Success:
                    Interlocked.Increment(ref _delivered);
                    break;
                case DeliveryStatus.Pending:
                    Interlocked.Increment(ref _retried);
                    break;
                case DeliveryStatus.Fail:
                    Interlocked.Increment(ref _failed);
                    break;
            }
            if (result.Attempt is { } attempt)
            {
                Interlocked.Increment(ref attempt.Status == DeliveryStatus.Success ? ref _attemptsSucceeded : ref _attemptsFailed);
                ObserveLatency(attempt.ResponseDurationMs / 1000.0);
            }
        }
    }

    public void SendStarted(string endpointId) =>
        Interlocked.Increment(ref _inFlight.GetOrAdd(endpointId, static _ => new StrongBox()).Value);

    public void SendFinished(string endpointId)
    {
        if (_inFlight.TryGetValue(endpointId, out var box))
        {
            Interlocked.Decrement(ref box.Value);
        }
    }

    /// <summary>Endpoints with requests in flight now.</summary>
    public IEnumerable<(string EndpointId, int Count)> InFlight() =>
        _inFlight.Select(p => (p.Key, Volatile.Read(ref p.Value.Value))).Where(p => p.Item2 > 0);

    public (long[] Cumulative, double Sum, long Count) Latency()
    {
        lock (_latencyGate)
        {
            var cumulative = new long[_bucketCounts.Length];
            long running = 0;
            for (int i = 0; i < _bucketCounts.Length; i++)
            {
                running += _bucketCounts[i];
                cumulative[i] = running;
            }
            return (cumulative, _latencySum, running);
        }
    }

    private void ObserveLatency(double seconds)
    {
        _latency.Record(seconds);
        int bucket = 0;
        while (bucket < LatencyBuckets.Length && seconds > LatencyBuckets[bucket])
        {
            bucket++;
        }
        lock (_latencyGate)
        {
            _bucketCounts[bucket]++;
            _latencySum += seconds;
        }
    }

    public void Dispose() => _meter.Dispose();

    private sealed class StrongBox
    {
        public int Value;
    }
}
