namespace Herald.Storage;

/// <summary>Where an <c>Idempotency-Key</c> stands when a request tries to claim it.</summary>
public enum IdempotencyClaimState
{
    /// <summary>The key is this request's: it runs, then completes or releases the claim with <see cref="IdempotencyClaim.Token"/>.</summary>
    Claimed,
    /// <summary>Another request holds the key and has not finished; its claim has not timed out.</summary>
    InProgress,
    /// <summary>A request with the key finished; <see cref="IdempotencyClaim.Response"/> is its answer.</summary>
    Completed,
}

/// <summary>The outcome of <see cref="IIdempotencyStore.ClaimIdempotencyKeyAsync"/>.</summary>
/// <param name="RequestHash">The hash of the request that holds (or held) the key: the caller's own when claimed.</param>
public sealed record IdempotencyClaim(IdempotencyClaimState State, string RequestHash, string? Token = null, StoredResponse? Response = null);

/// <summary>
/// The final answer to a request that claimed an idempotency key, stored by the write it describes (a message is
/// stored with it in one transaction) as long as the claim is still held under <paramref name="Token"/>.
/// </summary>
public sealed record IdempotencyCompletion(string Key, string Token, StoredResponse Response);

/// <summary>
/// A write that carried an <see cref="IdempotencyCompletion"/> found that its claim is no longer held (it timed out
/// and a retry took the key over). Nothing was stored.
/// </summary>
public sealed class IdempotencyClaimLostException(string message) : Exception(message);
