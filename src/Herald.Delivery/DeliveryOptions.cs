using System.ComponentModel.DataAnnotations;

namespace Herald.Delivery;

/// <summary>Settings of the dispatcher and its HTTP client, bound from <c>Herald:Delivery</c>.</summary>
public sealed record DeliveryOptions : IValidatableObject
{
    /// <summary>Subnets (CIDR) that webhooks may reach even though they are private, loopback or otherwise refused.</summary>
    public List<string> AllowedSubnets { get; init; } = [];

    /// <summary>Delays between attempts, e.g. ["00:00:05", "00:05:00"]. Empty means the default schedule.</summary>
    public List<TimeSpan> RetrySchedule { get; init; } = [];

    [Range(0.0, 1.0)]
    public double RetryJitter { get; init; } = 0.2;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claimed delivery stays reserved; another worker takes it after that. Longer than
    /// <see cref="RequestTimeout"/>: a delivery is sent only while its lease outlasts a whole request.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between two looks at the queue when nothing wakes the dispatcher.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    [Range(1, 5000)]
    public int BatchSize { get; init; } = 512;

    [Range(1, 100_000)]
    public int MaxInFlight { get; init; } = 4096;

    [Range(1, 10_000)]
    public int MaxInFlightPerEndpoint { get; init; } = 64;

    /// <summary>
    /// The most deliveries of one application a node holds at once (in flight and waiting in its endpoints' lines),
    /// so that one tenant's hanging or slow endpoints leave the rest of <see cref="MaxInFlight"/> to the others.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxInFlightPerApp { get; init; } = 1024;

    /// <summary>
    /// The share of <see cref="MaxInFlight"/> that retries (deliveries with an attempt made) may hold; the rest is
    /// kept for first attempts, so a wave of retries after an outage does not delay new messages.
    /// </summary>
    [Range(0.01, 1.0)]
    public double RetryShare { get; init; } = 0.5;

    /// <summary>An endpoint whose every attempt failed for this long is disabled.</summary>
    public TimeSpan DisableAfterFailingFor { get; init; } = TimeSpan.FromDays(5);

    [Range(0, 1_048_576)]
    public int ResponseBodyLimit { get; init; } = 4096;

    /// <summary>Also send svix-id, svix-timestamp and svix-signature for receivers written against Svix.</summary>
    public bool SendSvixHeaders { get; init; }

    /// <summary>Send W3C trace context (<c>traceparent</c>) to receivers; off by default so no internal trace ids leak.</summary>
    public bool PropagateTraceContext { get; init; }

    public string UserAgent { get; init; } = "Herald-Webhooks/1.0";

    /// <summary>The circuit breaker per endpoint (<c>Herald:Delivery:Breaker</c>).</summary>
    public BreakerOptions Breaker { get; init; } = new();

    /// <summary>What one application may hold on this node: <see cref="MaxInFlightPerApp"/>, never more than the node holds.</summary>
    internal int PerAppLimit => Math.Min(MaxInFlightPerApp, MaxInFlight);

    /// <summary>What retries may hold on this node, at least one so that retries always move.</summary>
    internal int RetryLimit => Math.Max(1, (int)(MaxInFlight * RetryShare));

    public Retries.RetryPolicy ToRetryPolicy() => new()
    {
        Schedule = RetrySchedule.Count > 0 ? RetrySchedule : Retries.RetryPolicy.DefaultSchedule,
        Jitter = RetryJitter,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lease <= RequestTimeout)
        {
            yield return new ValidationResult(
                $"Herald:Delivery:Lease ({Lease}) must be longer than Herald:Delivery:RequestTimeout ({RequestTimeout}): a delivery is sent only while its lease outlasts the request.",
                [nameof(Lease), nameof(RequestTimeout)]);
        }
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Herald:Delivery:ConnectTimeout ({ConnectTimeout}) must be positive.", [nameof(ConnectTimeout)]);
        }
        if (MaxInFlightPerApp < MaxInFlightPerEndpoint && MaxInFlightPerApp < MaxInFlight)
        {
            yield return new ValidationResult(
                $"Herald:Delivery:MaxInFlightPerApp ({MaxInFlightPerApp}) must be at least Herald:Delivery:MaxInFlightPerEndpoint ({MaxInFlightPerEndpoint}): an application's single endpoint could not use its whole lane.",
                [nameof(MaxInFlightPerApp), nameof(MaxInFlightPerEndpoint)]);
        }
        // Data annotations do not look into nested options: validate the breaker's here.
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Breaker, new ValidationContext(Breaker), results, validateAllProperties: true);
        foreach (var r in results)
        {
            yield return r.MemberNames.Any()
                ? new ValidationResult(r.ErrorMessage, r.MemberNames.Select(m => $"{nameof(Breaker)}.{m}").ToArray())
                : r;
        }
    }
}
