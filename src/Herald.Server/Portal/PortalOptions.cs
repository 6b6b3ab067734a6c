using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Portal;

/// <summary><c>Herald:Portal</c>: consumer portal links.</summary>
public sealed class PortalOptions : IValidatableObject
{
    /// <summary>How long a portal link works (1 hour by default).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Older name of <c>Herald:PublicUrl</c>, used when that is not set.</summary>
    public string? PublicUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TokenLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"Herald:Portal:TokenLifetime ({TokenLifetime}) must be positive.");
        }
    }
}

[OptionsValidator]
internal sealed partial class PortalOptionsValidator : IValidateOptions<PortalOptions>;
