using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Health;

/// <summary>The <c>Herald:Health</c> configuration section.</summary>
public sealed class HealthOptions : IValidatableObject
{
    /// <summary>SQLite: readiness fails when the disk holding the database has less free space than this (64 MiB by default).</summary>
    public long MinFreeDiskBytes { get; set; } = 64L * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinFreeDiskBytes < 0)
        {
            yield return new ValidationResult($"Herald:Health:MinFreeDiskBytes ({MinFreeDiskBytes}) must not be negative.");
        }
    }
}

[OptionsValidator]
internal sealed partial class HealthOptionsValidator : IValidateOptions<HealthOptions>;
