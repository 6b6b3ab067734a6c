using System.Diagnostics.Metrics;

namespace Herald.Outbox.Relay;

/// <summary>
/// The relay's instruments, on the <c>Herald.Outbox</c> meter: messages sent, failed sends (retried or rejected),
/// the lag from enqueue to Herald, and the queue's depth and oldest row as last measured.
/// </summary>
internal sealed class OutboxMetrics
{
    public const string MeterName = "Herald.Outbox";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _lag;
    private long _depth;
    private double _oldestAge;

    public OutboxMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = meter.CreateCounter<long>("herald.outbox.sent", "{message}", "Outbox rows Herald accepted as messages.");
        _failures = meter.CreateCounter<long>("herald.outbox.failures", "{attempt}", "Sends that failed: retried later (transient) or given up (rejected).");
        _lag = meter.CreateHistogram<double>("herald.outbox.lag", "s", "Time from enqueue to Herald's acceptance of the message.");
        meter.CreateObservableGauge("herald.outbox.queue_depth", () => Volatile.Read(ref _depth), "{row}", "Rows still to send, as last measured by the relay.");
        meter.CreateObservableGauge("herald.outbox.oldest_age", () => Volatile.Read(ref _oldestAge), "s", "Age of the oldest row still to send, as last measured by the relay.");
    }

    public void Sent(TimeSpan lag)
    {
        _sent.Add(1);
        _lag.Record(Math.Max(0, lag.TotalSeconds));
    }

    public void Failed(bool rejected) => _failures.Add(1, new KeyValuePair<string, object?>("kind", rejected ? "rejected" : "transient"));

    public void Measured(long depth, TimeSpan oldestAge)
    {
        Volatile.Write(ref _depth, depth);
        Volatile.Write(ref _oldestAge, Math.Max(0, oldestAge.TotalSeconds));
    }
}
