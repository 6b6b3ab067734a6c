using System.Data.Common;
using Dapper;

namespace Herald.Storage;

// An idempotency row is in progress (status_code 0, held by token until locked_until) or completed (the stored
// answer). A message's answer is written by the message's own transaction, so a key whose message committed is
// completed even if its node died before answering; a claim that never completed times out and can be taken over.
public abstract partial class RelationalStore
{
    private const string CompleteSql =
        "UPDATE idempotency SET status_code = @status, body = @body, created_at = @created, locked_until = NULL WHERE key = @key AND token = @token AND status_code = 0";

    // Claims and releases need not wait for the disk: a lost claim only frees the key, and the durable write that
    // completes it commits after it (WAL order), so a stored answer never outlives its claim.
    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string requestHash, DateTimeOffset now, DateTimeOffset notBefore, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string token = Guid.NewGuid().ToString("N");
        return WriteBookkeepingAsync(async (c, t) =>
        {
            var claimed = await c.QueryFirstOrDefaultAsync<string?>(Cmd(
                """
                INSERT INTO idempotency (key, request_hash, status_code, body, created_at, token, locked_until, owner)
                VALUES (@key, @hash, 0, '', @now, @token, @until, @node)
                ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status_code = 0, body = '',
                    created_at = excluded.created_at, token = excluded.token, locked_until = excluded.locked_until, owner = excluded.owner
                WHERE (idempotency.status_code = 0 AND (idempotency.locked_until IS NULL OR idempotency.locked_until <= @now))
                   OR (idempotency.status_code <> 0 AND idempotency.created_at < @notBefore)
                RETURNING token
                """,
                new { key, hash = requestHash, now = Time.Ms(now), token, until = Time.Ms(now + timeout), notBefore = Time.Ms(notBefore), node = NodeId }, t, cancellationToken));
            if (claimed == token)
            {
                return new IdempotencyClaim(IdempotencyClaimState.Claimed, requestHash, token);
            }
            var row = await c.QueryFirstOrDefaultAsync<(string request_hash, long status_code, string body, long created_at)?>(Cmd(
                "SELECT request_hash, status_code, body, created_at FROM idempotency WHERE key = @key", new { key }, t, cancellationToken));
            return row switch
            {
                // Released between the two statements (PostgreSQL): the caller asks again.
                null => new IdempotencyClaim(IdempotencyClaimState.InProgress, requestHash),
                { status_code: 0 } r => new IdempotencyClaim(IdempotencyClaimState.InProgress, r.request_hash),
                { } r => new IdempotencyClaim(IdempotencyClaimState.Completed, r.request_hash,
                    Response: new StoredResponse(r.request_hash, (int)r.status_code, r.body, Time.At(r.created_at))),
            };
        }, cancellationToken);
    }

    public Task<bool> CompleteIdempotencyKeyAsync(IdempotencyCompletion completion, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => await c.ExecuteAsync(Cmd(CompleteSql, CompletionArgs(completion), t, cancellationToken)) > 0, cancellationToken);

    public Task ReleaseIdempotencyKeyAsync(string key, string token, CancellationToken cancellationToken) =>
        WriteBookkeepingAsync((c, t) => c.ExecuteAsync(Cmd(
            "DELETE FROM idempotency WHERE key = @key AND token = @token AND status_code = 0", new { key, token }, t, cancellationToken)), cancellationToken);

    /// <summary>Inside a write: completes the claim or, when it is no longer held, throws so that the whole write rolls back.</summary>
    protected static async Task CompleteInTransactionAsync(DbConnection c, DbTransaction t, IdempotencyCompletion completion, CancellationToken cancellationToken)
    {
        if (await c.ExecuteAsync(Cmd(CompleteSql, CompletionArgs(completion), t, cancellationToken)) == 0)
        {
            throw new IdempotencyClaimLostException("The Idempotency-Key was taken over by a retry of this request after its claim timed out.");
        }
    }

    private static object CompletionArgs(IdempotencyCompletion completion) => new
    {
        key = completion.Key, token = completion.Token, status = completion.Response.StatusCode, body = completion.Response.Body,
        created = Time.Ms(completion.Response.CreatedAt),
    };
}
