using System.ComponentModel.DataAnnotations;
using Herald.Breakers;

namespace Herald.Delivery;

/// <summary>
/// <c>Herald:Delivery:Breaker</c>: the circuit breaker per endpoint. After <see cref="FailureThreshold"/> failed
/// attempts in a row the endpoint's deliveries are held back and one probe goes out after <see cref="OpenInterval"/>,
/// the wait doubling after each failed probe up to <see cref="MaxOpenInterval"/>; a success closes it.
/// </summary>
public sealed class BreakerOptions : IValidatableObject
{
    public bool Enabled { get; set; } = true;

    [Range(1, 100_000)]
    public int FailureThreshold { get; set; } = 5;

    public TimeSpan OpenInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxOpenInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The policy the dispatcher applies, or null when the breaker is off.</summary>
    public BreakerPolicy? ToPolicy() => Enabled
        ? new BreakerPolicy { FailureThreshold = FailureThreshold, OpenInterval = OpenInterval, MaxOpenInterval = MaxOpenInterval }
        : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OpenInterval < TimeSpan.FromMilliseconds(100) || OpenInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Herald:Delivery:Breaker:OpenInterval ({OpenInterval}) must be between 00:00:00.1 and 1.00:00:00.");
        }
        if (MaxOpenInterval < OpenInterval || MaxOpenInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Herald:Delivery:Breaker:MaxOpenInterval ({MaxOpenInterval}) must be at least Herald:Delivery:Breaker:OpenInterval and at most 1.00:00:00.");
        }
    }
}
