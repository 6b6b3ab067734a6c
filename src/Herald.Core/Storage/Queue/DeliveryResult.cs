using Herald.Breakers;
using Herald.Model;

namespace Herald.Storage.Queue;

public enum EndpointHealth
{
    /// <summary>The attempt succeeded: the endpoint's failure run ends.</summary>
    Succeeded,
    /// <summary>The attempt failed: the failure run starts or goes on; disabled once it is older than the limit.</summary>
    Failed,
    /// <summary>410 Gone: disable at once.</summary>
    Gone,
    /// <summary>No request was made (endpoint disabled): leave the endpoint as it is.</summary>
    Untouched,
}

/// <summary>The outcome of one attempt, to be written with its delivery's new state.</summary>
public sealed record DeliveryResult
{
    public required long DeliveryId { get; init; }
    /// <summary>
    /// The <see cref="DueDelivery.LeaseToken"/> the attempt was made under. When the delivery has been claimed again
    /// since (the lease ran out), the attempt is still recorded but the delivery's state is left to its new holder.
    /// </summary>
    public required long LeaseToken { get; init; }
    public required Attempt? Attempt { get; init; }
    /// <summary>Success, Pending (retry at <see cref="NextAttemptAt"/>) or Fail.</summary>
    public required DeliveryStatus NewStatus { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public required int AttemptsMade { get; init; }
    public required EndpointHealth Health { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>An endpoint whose failure run started before this time is disabled.</summary>
    public required DateTimeOffset DisableIfFailingSince { get; init; }
    /// <summary>The circuit breaker to apply to the endpoint's failure run; null leaves the breaker alone.</summary>
    public BreakerPolicy? Breaker { get; init; }
    /// <summary>Whether the attempt was the probe of an open breaker (its failure lengthens the wait for the next).</summary>
    public bool Probe { get; init; }
    /// <summary>Whether the delivery belongs to an ordered sequence: when it finishes, the next of its key becomes due.</summary>
    public bool Ordered { get; init; }
}

/// <summary>
/// What storing a batch of results did to endpoints: those it disabled, and the breakers of the endpoints in the
/// batch that are open or that the batch closed.
/// </summary>
public sealed record RecordedResults(IReadOnlyList<string> Disabled, IReadOnlyList<BreakerUpdate> Breakers)
{
    public static readonly RecordedResults None = new([], []);
}
