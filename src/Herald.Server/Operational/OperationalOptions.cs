using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Herald.Signing;

namespace Herald.Server.Operational;

/// <summary>
/// <c>Herald:Operational</c>: where Herald sends its own webhooks about endpoints and failing deliveries.
/// Off unless <see cref="Url"/> is set.
/// </summary>
public sealed class OperationalOptions : IValidatableObject
{
    public string? Url { get; set; }

    /// <summary>The <c>whsec_…</c> secret the operator verifies Herald's signatures with.</summary>
    public string? Secret { get; set; }

    /// <summary>A message's attempts to one endpoint that must fail in a row before <c>message.attempt.failing</c> is sent.</summary>
    [Range(1, 100)]
    public int FailingAfter { get; set; } = 3;

    public bool Enabled => !string.IsNullOrEmpty(Url);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("Herald:Operational:Url must be an absolute http(s) URL.");
        }
        if (!WebhookSecret.TryParse(Secret, out _) || !Secret!.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal))
        {
            yield return new ValidationResult("Herald:Operational:Secret must be a whsec_ secret when Herald:Operational:Url is set.");
        }
    }
}

[OptionsValidator]
internal sealed partial class OperationalOptionsValidator : IValidateOptions<OperationalOptions>;
