using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Security;

/// <summary><c>Herald:Security</c>: guessing limits and the proxies whose forwarded headers are believed.</summary>
public sealed class SecurityOptions : IValidatableObject
{
    /// <summary>Failed authentications one client address may make per minute before it is refused with 429.</summary>
    [Range(1, 100_000)]
    public int FailedAuthPerMinute { get; set; } = 20;

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured. Empty (the
    /// default): forwarded headers are ignored, so no client can claim another address or HTTPS.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR) of trusted reverse proxies, as <see cref="KnownProxies"/> for whole subnets.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Every configured proxy and network parses.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ForwardedHeadersSetup.Problems(this).Select(problem => new ValidationResult(problem));
}

[OptionsValidator]
internal sealed partial class SecurityOptionsValidator : IValidateOptions<SecurityOptions>;
