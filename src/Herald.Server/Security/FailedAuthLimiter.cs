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
    private readonly long _quietTicks;
    private long _lastFailure;
    private int _anyFailure;

    public FailedAuthLimiter(IOptions<SecurityOptions> options)
    {
        int perMinute = options.Value.FailedAuthPerMinute;
        // A bucket refills completely within a minute of its last failure, so after a quiet spell no address can be
        // blocked; then no request need take the limiter's lock (shared by every address) or name its address.
        // The limiter refills on the system's clock, so the quiet spell is measured on it too.
        _quietTicks = (long)((TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10)).TotalSeconds * TimeProvider.System.TimestampFrequency);
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
    public bool IsBlocked(HttpContext http) =>
        !IsQuiet() && _limiter.GetStatistics(Key(http))?.CurrentAvailablePermits <= 0;

    /// <summary>Records one failed authentication of the client's address.</summary>
    public void RecordFailure(HttpContext http)
    {
        // Before the permit is taken: a request checked meanwhile then looks at the buckets.
        Volatile.Write(ref _lastFailure, TimeProvider.System.GetTimestamp());
        Volatile.Write(ref _anyFailure, 1);
        using var lease = _limiter.AttemptAcquire(Key(http));
    }

    /// <summary>Whether no authentication has failed lately, from any address.</summary>
    private bool IsQuiet() =>
        Volatile.Read(ref _anyFailure) == 0 || TimeProvider.System.GetTimestamp() - Volatile.Read(ref _lastFailure) > _quietTicks;

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
