using System.Collections.Concurrent;
using System.Security.Cryptography;
using Herald.Server.Api;
using Herald.Server.Hosting;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on a POST. The key (scoped by the request path) is claimed in the store before the handler
/// runs, so one request at a time runs with it on any number of nodes; the first successful answer is stored and
/// replayed for the configured window. A message is stored together with its answer (see <see cref="IdempotencyFeature"/>),
/// so a retry after a crash or an unknown outcome gets the original message. The same key with a different body is a
/// 409; a request whose key is in progress elsewhere waits for that answer; a failed request frees its key.
/// </summary>
internal static partial class IdempotencyFilter
{
    private const int MaxKeyLength = 256;
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(250);

    public static RouteGroupBuilder WithIdempotency(this RouteGroupBuilder group) =>
        group.AddEndpointFilter((ctx, next) =>
        {
            var http = ctx.HttpContext;
            string? key = http.Request.Headers["idempotency-key"];
            // A request without a key goes straight on, without a state machine of this filter's own.
            return !HttpMethods.IsPost(http.Request.Method) || string.IsNullOrEmpty(key) ? next(ctx) : WithKeyAsync(ctx, next, key);
        });

    private static async ValueTask<object?> WithKeyAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next, string key)
    {
        var http = ctx.HttpContext;
        if (key.Length > MaxKeyLength)
        {
            return Reply.Problem(StatusCodes.Status400BadRequest, "bad_request", $"Idempotency-Key must be at most {MaxKeyLength} characters.");
        }
        var services = http.RequestServices;
        var store = services.GetRequiredService<IIdempotencyStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var options = services.GetRequiredService<IOptions<HeraldOptions>>().Value;
        string scope = $"{http.Request.Path}|{key}";
        string requestHash = await HashBodyAsync(http);

        // Requests on this node queue here rather than poll the store; other nodes' requests meet in the store.
        var gate = services.GetRequiredService<IdempotencyGates>();
        using var turn = await gate.EnterAsync(scope, options.IdempotencyWait, time, http.RequestAborted);
        var claim = await ClaimAsync(store, time, options, scope, requestHash, turn.Entered, http.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyClaimState.Completed when SameRequest(claim.RequestHash, requestHash):
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return new JsonBody(claim.Response!.StatusCode, System.Text.Encoding.UTF8.GetBytes(claim.Response.Body));
            case IdempotencyClaimState.Completed or IdempotencyClaimState.InProgress when !SameRequest(claim.RequestHash, requestHash):
                return Reply.Problem(StatusCodes.Status409Conflict, "idempotency_conflict", "This Idempotency-Key was used with a different request body.");
            case IdempotencyClaimState.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return Reply.Problem(StatusCodes.Status409Conflict, "request_in_progress",
                    "A request with this Idempotency-Key is still in progress; retry it later with the same key to get its answer.");
        }

        var feature = new IdempotencyFeature(scope, claim.Token!, requestHash);
        http.Features.Set(feature);
        object? result;
        try
        {
            result = await next(ctx);
        }
        catch
        {
            // Frees the key unless the failed write did in fact complete it (an unknown outcome that committed).
            await ReleaseAsync(store, feature, services);
            throw;
        }
        if (result is JsonBody { StatusCode: >= 200 and < 300 } body)
        {
            if (!feature.CompletedByWrite)
            {
                // Not a message: the answer is saved right after the change, in a write of its own.
                await store.CompleteIdempotencyKeyAsync(feature.Completion(body.StatusCode!.Value, body.Body, time.GetUtcNow()), CancellationToken.None);
            }
            return result;
        }
        await ReleaseAsync(store, feature, services);
        return result;
    }

    /// <summary>Claims the key, waiting while another request holds it, until the wait is over.</summary>
    private static async Task<IdempotencyClaim> ClaimAsync(
        IIdempotencyStore store, TimeProvider time, HeraldOptions options, string scope, string requestHash, bool mayWait, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var poll = FirstPoll;
        while (true)
        {
            var now = time.GetUtcNow();
            IdempotencyClaim claim;
            try
            {
                claim = await store.ClaimIdempotencyKeyAsync(scope, requestHash, now, now - options.IdempotencyWindow, options.IdempotencyClaimTimeout, cancellationToken);
            }
            catch (StoreOutcomeUnknownException ex)
            {
                // Nothing of the request has run: at most a claim was stored, which times out (or a restart frees it).
                throw new StoreUnavailableException("The Idempotency-Key could not be claimed.", ex, ex.Reason);
            }
            if (claim.State != IdempotencyClaimState.InProgress || !mayWait || !SameRequest(claim.RequestHash, requestHash)
                || time.GetElapsedTime(started) >= options.IdempotencyWait)
            {
                return claim;
            }
            await Task.Delay(poll, time, cancellationToken);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LongestPoll.Ticks));
        }
    }

    private static async Task ReleaseAsync(IIdempotencyStore store, IdempotencyFeature feature, IServiceProvider services)
    {
        if (feature.CompletedByWrite)
        {
            return;
        }
        try
        {
            await store.ReleaseIdempotencyKeyAsync(feature.Key, feature.Token, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim then times out instead.
            LogReleaseFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IdempotencyFilter)), ex);
        }
    }

    private static bool SameRequest(string storedHash, string requestHash) =>
        CryptographicOperations.FixedTimeEquals(Convert.FromHexString(storedHash), Convert.FromHexString(requestHash));

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

    [LoggerMessage(1, LogLevel.Warning, "An Idempotency-Key could not be released; it is freed when its claim times out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}

/// <summary>One queue per idempotency key on this node, so that concurrent requests with it wait in memory.</summary>
internal sealed class IdempotencyGates
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the key's turn. Without it (<see cref="Turn.Entered"/> false) the caller
    /// still asks the store once, which may hold the answer by then.
    /// </summary>
    public async Task<Turn> EnterAsync(string key, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await gate.WaitAsync(linked.Token);
            return new Turn(this, key, gate, entered: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Turn(this, key, gate, entered: false);
        }
    }

    private void Leave(string key, SemaphoreSlim gate, bool entered)
    {
        if (!entered)
        {
            return;
        }
        gate.Release();
        // A request that took the gate just before its removal still has its turn; the store keeps the key single anyway.
        if (gate.CurrentCount == 1)
        {
            _gates.TryRemove(new KeyValuePair<string, SemaphoreSlim>(key, gate));
        }
    }

    internal sealed class Turn(IdempotencyGates owner, string key, SemaphoreSlim gate, bool entered) : IDisposable
    {
        public bool Entered => entered;

        public void Dispose() => owner.Leave(key, gate, entered);
    }
}
