using System.ComponentModel.DataAnnotations;

namespace Herald.Server.Security;

/// <summary><c>Herald:Security</c>: guessing limits and the proxies whose forwarded headers are believed.</summary>
public sealed record SecurityOptions
{
    /// <summary>Failed authentications one client address may make per minute before it is refused with 429.</summary>
    [Range(1, 100_000)]
    public int FailedAuthPerMinute { get; init; } = 20;

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured. Empty (the
    /// default): forwarded headers are ignored, so no client can claim another address or HTTPS.
    /// </summary>
    public List<string> KnownProxies { get; init; } = [];

    /// <summary>Networks (CIDR) of trusted reverse proxies, as <see cref="KnownProxies"/> for whole subnets.</summary>
    public List<string> KnownNetworks { get; init; } = [];
}
