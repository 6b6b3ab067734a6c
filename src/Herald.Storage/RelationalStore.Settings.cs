using Dapper;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    public Task<StoredResponse?> GetIdempotentResponseAsync(string key, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var row = await c.QueryFirstOrDefaultAsync<(string request_hash, long status_code, string body, long created_at)?>(Cmd(
                "SELECT request_hash, status_code, body, created_at FROM idempotency WHERE key = @key AND created_at >= @notBefore",
                new { key, notBefore = Time.Ms(notBefore) }, null, cancellationToken));
            return row is { } r ? new StoredResponse(r.request_hash, (int)r.status_code, r.body, Time.At(r.created_at)) : null;
        }, cancellationToken);

    public Task SaveIdempotentResponseAsync(string key, StoredResponse response, CancellationToken cancellationToken) =>
        WriteAsync((c, t) => c.ExecuteAsync(Cmd(
            """
            INSERT INTO idempotency (key, request_hash, status_code, body, created_at) VALUES (@key, @hash, @status, @body, @created)
            ON CONFLICT (key) DO UPDATE SET request_hash = @hash, status_code = @status, body = @body, created_at = @created
            """, new { key, hash = response.RequestHash, status = response.StatusCode, body = response.Body, created = Time.Ms(response.CreatedAt) },
            t, cancellationToken)), cancellationToken);

    public virtual Task<int> ExpireAsync(DateTimeOffset now, DateTimeOffset idempotencyBefore, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
            await c.ExecuteAsync(Cmd(
                "UPDATE messages SET payload = NULL, payload_expires_at = NULL WHERE payload_expires_at < @now",
                new { now = Time.Ms(now) }, t, cancellationToken))
            + await c.ExecuteAsync(Cmd("DELETE FROM idempotency WHERE created_at < @before", new { before = Time.Ms(idempotencyBefore) }, t, cancellationToken)),
            cancellationToken);

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(c => c.ExecuteScalarAsync<string?>(Cmd("SELECT value FROM settings WHERE key = @key", new { key }, null, cancellationToken)), cancellationToken);

    public Task<string> SetSettingIfAbsentAsync(string key, string value, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync(Cmd("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING", new { key, value }, t, cancellationToken));
            return (await c.ExecuteScalarAsync<string>(Cmd("SELECT value FROM settings WHERE key = @key", new { key }, t, cancellationToken)))!;
        }, cancellationToken);
}
