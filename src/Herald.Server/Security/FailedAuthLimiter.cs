using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Herald.Server.Api;
using Microsoft.Extensions.Options;

namespace Herald.Server.Security;

/// <summary>
/// Slows token guessing: every failed authentication takes a permit from its client address's bucket
/// (<see cref="SecurityOptions.FailedAuthPerMinute"/> a minute). While an address's bucket is empty every
/// authenticated request from it is refused with 429, a right token included, so a guesser learns nothing.
/// Successful requests cost nothing.
/// </summary>
internal sealed class FailedAuthLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public FailedAuthLimiter(IOptions<SecurityOptions> options)
    {
        int perMinute = options.Value.FailedAuthPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Whether the client's address has no failures left; such a request is answered 429 before any check.</summary>
    public bool IsBlocked(HttpContext http) => _limiter.GetStatistics(Key(http))?.CurrentAvailablePermits <= 0;

    /// <summary>Records one failed authentication of the client's address.</summary>
    public void RecordFailure(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(Key(http));
    }

    public static IResult TooManyApi(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "60";
        return Reply.Problem(StatusCodes.Status429TooManyRequests, "too_many_failed_attempts",
            "Too many failed authentication attempts from this address; wait a minute before trying again.");
    }

    public static IResult TooManyPage(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "60";
        return Dashboard.Html.Page("Too many attempts", "",
            "<p class=\"error\" id=\"too-many\">Too many failed sign-in attempts from this address. Wait a minute and try again.</p>", 429);
    }

    private static string Key(HttpContext http) =>
        (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString().ToLower(CultureInfo.InvariantCulture);

    public void Dispose() => _limiter.Dispose();
}
