using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Maintenance;

/// <summary>The <c>Herald:Maintenance</c> configuration section.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>How often payload expiry, idempotency clean-up and retention run (one node at a time on PostgreSQL).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The <c>Herald:Retention</c> configuration section.</summary>
public sealed class RetentionOptions : IValidatableObject
{
    /// <summary>
    /// Messages older than this are deleted with their deliveries and attempts, delivered or not. Zero keeps them
    /// forever (storage then grows without bound). 30 days by default.
    /// </summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Messages deleted per transaction: small enough that no batch holds up ingest for long.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Period != TimeSpan.Zero && (Period < TimeSpan.FromMinutes(1) || Period > TimeSpan.FromDays(36_500)))
        {
            yield return new ValidationResult(
                $"Herald:Retention:Period ({Period}) must be 0 (keep messages forever) or between 00:01:00 and 36500.00:00:00.");
        }
    }
}

[OptionsValidator]
internal sealed partial class MaintenanceOptionsValidator : IValidateOptions<MaintenanceOptions>;

[OptionsValidator]
internal sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
