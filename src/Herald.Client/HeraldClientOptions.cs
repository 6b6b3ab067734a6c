using System.ComponentModel.DataAnnotations;

namespace Herald.Client;

/// <summary>Where the Herald (or Svix-compatible) API is and how the client talks to it; bound from e.g. <c>Herald:Client</c>.</summary>
public sealed class HeraldClientOptions : IValidatableObject
{
    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:8071</c> (the API lives under <c>/api/v1</c> below it).</summary>
    [Required]
    public string BaseUrl { get; set; } = "";

    /// <summary>The admin token (or an application's portal token), sent as <c>Authorization: Bearer</c>.</summary>
    [Required]
    public string Token { get; set; } = "";

    /// <summary>Retries after the first attempt, for GETs and for POSTs (which always carry an <c>Idempotency-Key</c>).</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled (with jitter) for each further one, unless the server sends <c>Retry-After</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one call, all its attempts and waits included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Checks what attributes cannot: an absolute http(s) base URL, a token without spaces or control characters, and timeouts and delays that agree.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(BaseUrl)
            && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http:// or https:// address.", [nameof(BaseUrl)]);
        }
        if (Token.Any(char.IsControl) || Token.Contains(' ', StringComparison.Ordinal))
        {
            // Name the field only: the value is a secret.
            yield return new ValidationResult("Token may not contain spaces or control characters.", [nameof(Token)]);
        }
        if (TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult("TotalTimeout must be at least AttemptTimeout.", [nameof(TotalTimeout)]);
        }
        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("MaxRetryDelay must be at least RetryDelay.", [nameof(MaxRetryDelay)]);
        }
    }

    /// <summary>The base address with a trailing slash, so relative API paths keep any path prefix.</summary>
    internal Uri BaseAddress() => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/", UriKind.Absolute);
}
