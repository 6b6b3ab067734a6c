using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Delivery;

/// <summary>Settings of the dispatcher and its HTTP client, bound from <c>Herald:Delivery</c>.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    /// <summary>Subnets (CIDR) that webhooks may reach even though they are private, loopback or otherwise refused.</summary>
    public List<string> AllowedSubnets { get; set; } = [];

    /// <summary>Delays between attempts, e.g. ["00:00:05", "00:05:00"]. Empty means the default schedule.</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    [Range(0.0, 1.0)]
    public double RetryJitter { get; set; } = 0.2;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait for a TCP connection. <see cref="RequestTimeout"/> runs from before it and bounds it too.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claimed delivery stays reserved; another worker takes it after that. Longer than
    /// <see cref="RequestTimeout"/>: a delivery is sent only while its lease outlasts a whole request.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between two looks at the queue when nothing wakes the dispatcher.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 5000)]
    public int BatchSize { get; set; } = 512;

    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 4096;

    [Range(1, 10_000)]
    public int MaxInFlightPerEndpoint { get; set; } = 64;

    /// <summary>
    /// The most deliveries of one application a node holds at once (in flight and waiting in its endpoints' lines),
    /// so that one tenant's hanging or slow endpoints leave the rest of <see cref="MaxInFlight"/> to the others.
    /// The default is four batches: an application draining at full speed holds about two (one being sent while the
    /// next is claimed), and its slow or hanging endpoints' lines can hold the other two without cutting its claims short.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxInFlightPerApp { get; set; } = 2048;

    /// <summary>
    /// The share of <see cref="MaxInFlight"/> that retries (deliveries with an attempt made) may hold; the rest is
    /// kept for first attempts, so a wave of retries after an outage does not delay new messages.
    /// </summary>
    [Range(0.01, 1.0)]
    public double RetryShare { get; set; } = 0.5;

    /// <summary>An endpoint whose every attempt failed for this long is disabled.</summary>
    public TimeSpan DisableAfterFailingFor { get; set; } = TimeSpan.FromDays(5);

    [Range(0, 1_048_576)]
    public int ResponseBodyLimit { get; set; } = 4096;

    /// <summary>Also send svix-id, svix-timestamp and svix-signature for receivers written against Svix.</summary>
    public bool SendSvixHeaders { get; set; }

    /// <summary>Send W3C trace context (<c>traceparent</c>) to receivers; off by default so no internal trace ids leak.</summary>
    public bool PropagateTraceContext { get; set; }

    public string UserAgent { get; set; } = "Herald-Webhooks/1.0";

    /// <summary>The circuit breaker per endpoint (<c>Herald:Delivery:Breaker</c>).</summary>
    [ValidateObjectMembers]
    public BreakerOptions Breaker { get; set; } = new();

    /// <summary>What one application may hold on this node: <see cref="MaxInFlightPerApp"/>, never more than the node holds.</summary>
    internal int PerAppLimit => Math.Min(MaxInFlightPerApp, MaxInFlight);

    /// <summary>What retries may hold on this node, at least one so that retries always move.</summary>
    internal int RetryLimit => Math.Max(1, (int)(MaxInFlight * RetryShare));

    public Retries.RetryPolicy ToRetryPolicy() => new()
    {
        Schedule = RetrySchedule.Count > 0 ? RetrySchedule : Retries.RetryPolicy.DefaultSchedule,
        Jitter = RetryJitter,
    };

    /// <summary>What data annotations cannot say: invariants between settings, positive intervals, parsable subnets.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Checked right before each request too (the dispatcher hands a delivery back when its lease could run out
        // mid-request); a lease not longer than the timeout would hand every delivery back. RequestTimeout bounds the
        // whole request, connecting included, so ConnectTimeout adds nothing to it.
        if (Lease <= RequestTimeout)
        {
            yield return Problem(
                $"Herald:Delivery:Lease ({Lease}) must be longer than Herald:Delivery:RequestTimeout ({RequestTimeout}): a delivery is sent only while its lease outlasts the request.");
        }
        foreach (var (key, interval) in new[]
                 {
                     ("RequestTimeout", RequestTimeout), ("ConnectTimeout", ConnectTimeout), ("Lease", Lease),
                     ("PollInterval", PollInterval), ("DisableAfterFailingFor", DisableAfterFailingFor),
                 })
        {
            if (interval <= TimeSpan.Zero)
            {
                yield return Problem($"Herald:Delivery:{key} ({interval}) must be positive.");
            }
        }
        for (int i = 0; i < RetrySchedule.Count; i++)
        {
            if (RetrySchedule[i] < TimeSpan.Zero)
            {
                yield return Problem($"Herald:Delivery:RetrySchedule:{i} ({RetrySchedule[i]}) must not be negative.");
            }
        }
        for (int i = 0; i < AllowedSubnets.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(AllowedSubnets[i]) && !Ssrf.OutboundAddressPolicy.TryParseSubnet(AllowedSubnets[i], out _))
            {
                yield return Problem($"Herald:Delivery:AllowedSubnets:{i} ('{AllowedSubnets[i]}') is not a subnet in CIDR form (e.g. 10.0.0.0/8) or an IP address.");
            }
        }
        if (MaxInFlightPerApp < MaxInFlightPerEndpoint && MaxInFlightPerApp < MaxInFlight)
        {
            yield return Problem(
                $"Herald:Delivery:MaxInFlightPerApp ({MaxInFlightPerApp}) must be at least Herald:Delivery:MaxInFlightPerEndpoint ({MaxInFlightPerEndpoint}): an application's single endpoint could not use its whole lane.");
        }
    }

    // No member names: the message names its configuration keys itself.
    private static ValidationResult Problem(string message) => new(message);
}
