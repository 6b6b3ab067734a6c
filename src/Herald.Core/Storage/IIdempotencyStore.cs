namespace Herald.Storage;

/// <summary>
/// <c>Idempotency-Key</c> claims, shared by every node on the database. A message write completes its key itself
/// (see <see cref="IMessageStore"/>); other requests complete or release theirs here.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims an idempotency key (unique per <paramref name="key"/>, which the caller scopes) for a request with
    /// <paramref name="requestHash"/>, atomically across every node on the database. The key is claimed when it is
    /// new, when its response was stored before <paramref name="notBefore"/>, or when an earlier claim was never
    /// completed nor released within its <paramref name="timeout"/> (its holder died); otherwise the holder's state is
    /// returned: in progress, or completed with its response.
    /// </summary>
    Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string requestHash, DateTimeOffset now, DateTimeOffset notBefore, TimeSpan timeout, CancellationToken cancellationToken);
    /// <summary>Stores the response of a claimed key on its own (for requests that create no message); false when the claim is no longer held.</summary>
    Task<bool> CompleteIdempotencyKeyAsync(IdempotencyCompletion completion, CancellationToken cancellationToken);
    /// <summary>Gives up a claim that is still in progress under <paramref name="token"/> (the request failed), so the key can be used again.</summary>
    Task ReleaseIdempotencyKeyAsync(string key, string token, CancellationToken cancellationToken);
}
