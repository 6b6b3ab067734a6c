using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Herald.Client.Http;

/// <summary>
/// The retry rules: only requests that cannot take effect twice are repeated — GETs, and POSTs, because the client
/// gives every POST an <c>Idempotency-Key</c> that stays the same across the attempts of one call. Repeated for
/// 408, 429, 5xx, transport failures and attempt timeouts; never for other 4xx answers, which would fail again.
/// </summary>
internal static class HeraldResilience
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, HeraldClientOptions options)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "herald-total", Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "herald-retry",
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(IsSafeToRepeat(args.Context.GetRequestMessage()) && IsTransient(args.Outcome)),
            });
        }
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "herald-attempt", Timeout = options.AttemptTimeout });
    }

    public static bool IsSafeToRepeat(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get
            || (request.Method == HttpMethod.Post && request.Headers.Contains(IdempotencyKeyHeader)));

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.NotImplemented),
        _ => false,
    };
}
