using Dapper;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
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
