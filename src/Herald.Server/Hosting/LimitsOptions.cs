using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Hosting;

/// <summary><c>Herald:Limits</c>: what one tenant may hold, so that no tenant can exhaust a node for the others.</summary>
public sealed class LimitsOptions
{
    /// <summary>Endpoints one application may have (each message fans out to every matching one).</summary>
    [Range(1, 100_000)]
    public int EndpointsPerApp { get; set; } = 100;

    /// <summary>Custom headers one endpoint may carry.</summary>
    [Range(0, 1_000)]
    public int HeadersPerEndpoint { get; set; } = 64;

    /// <summary>Concurrent live streams (<c>/api/v1/app/{app}/stream</c>) of one application, over all tokens.</summary>
    [Range(1, 100_000)]
    public int StreamsPerApp { get; set; } = 20;

    /// <summary>Concurrent live streams opened with one token (the admin token counts as one token).</summary>
    [Range(1, 100_000)]
    public int StreamsPerToken { get; set; } = 100;
}

[OptionsValidator]
internal sealed partial class LimitsOptionsValidator : IValidateOptions<LimitsOptions>;
