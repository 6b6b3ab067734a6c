using System.Collections.Concurrent;
using System.Security.Cryptography;
using Herald.Server.Api;
using Herald.Server.Hosting;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on a POST: the first successful response is stored and replayed for the configured
/// window. The same key with a different body is a 409. Concurrent requests with one key are serialized.
/// </summary>
internal static class IdempotencyFilter
{
    private const int MaxKeyLength = 256;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> InProgress = new(StringComparer.Ordinal);

    public static RouteGroupBuilder WithIdempotency(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            string? key = http.Request.Headers["idempotency-key"];
            if (!HttpMethods.IsPost(http.Request.Method) || string.IsNullOrEmpty(key))
            {
                return await next(ctx);
            }
            if (key.Length > MaxKeyLength)
            {
                return Reply.Problem(StatusCodes.Status400BadRequest, "bad_request", $"Idempotency-Key must be at most {MaxKeyLength} characters.");
            }
            var store = http.RequestServices.GetRequiredService<IHeraldStore>();
            var time = http.RequestServices.GetRequiredService<TimeProvider>();
            var window = http.RequestServices.GetRequiredService<IOptions<HeraldOptions>>().Value.IdempotencyWindow;
            string scope = $"{http.Request.Path}|{key}";
            string requestHash = await HashBodyAsync(http);

            var gate = InProgress.GetOrAdd(scope, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(http.RequestAborted);
            try
            {
                var now = time.GetUtcNow();
                if (await store.GetIdempotentResponseAsync(scope, now - window, http.RequestAborted) is { } stored)
                {
                    if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(stored.RequestHash), Convert.FromHexString(requestHash)))
                    {
                        return Reply.Problem(StatusCodes.Status409Conflict, "idempotency_conflict", "This Idempotency-Key was used with a different request body.");
                    }
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                    return new JsonBody(stored.StatusCode, System.Text.Encoding.UTF8.GetBytes(stored.Body));
                }
                var result = await next(ctx);
                if (result is JsonBody { StatusCode: >= 200 and < 300 } body)
                {
                    await store.SaveIdempotentResponseAsync(scope,
                        new StoredResponse(requestHash, body.StatusCode!.Value, System.Text.Encoding.UTF8.GetString(body.Body), now), CancellationToken.None);
                }
                return result;
            }
            finally
            {
                gate.Release();
                if (gate.CurrentCount == 1)
                {
                    InProgress.TryRemove(new KeyValuePair<string, SemaphoreSlim>(scope, gate));
                }
            }
        });

    private static async Task<string> HashBodyAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
        http.Request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
