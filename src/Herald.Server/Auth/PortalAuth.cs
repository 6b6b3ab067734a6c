using System.Globalization;
using System.Security.Cryptography;
using Herald.Storage;

namespace Herald.Server.Auth;

/// <summary>
/// Consumer portal tokens: random, short-lived, scoped to one application. Only a SHA-256 of each token is stored
/// (in the settings table, with its application and expiry); logging out stores a revocation beside it.
/// </summary>
internal sealed class PortalAuth(ISettingsStore store, IApplicationStore applications, TimeProvider time)
{
    public const string Prefix = "hpt_";
    private const string TokenKey = "portal_token:";
    private const string RevokedKey = "portal_revoked:";

    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(string appId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        string token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var expiresAt = time.GetUtcNow() + lifetime;
        await store.SetSettingIfAbsentAsync(TokenKey + HashHex(token),
            appId + "|" + expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), cancellationToken);
        return (token, expiresAt);
    }

    /// <summary>The application a valid, unexpired, unrevoked token is scoped to; null otherwise.</summary>
    public async Task<string?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }
        string hash = HashHex(token);
        var stored = await store.GetSettingAsync(TokenKey + hash, cancellationToken);
        if (stored is null || stored.Split('|') is not [var appId, var expiresRaw]
            || !long.TryParse(expiresRaw, NumberStyles.None, CultureInfo.InvariantCulture, out long expiresMs)
            || DateTimeOffset.FromUnixTimeMilliseconds(expiresMs) <= time.GetUtcNow())
        {
            return null;
        }
        return await store.GetSettingAsync(RevokedKey + hash, cancellationToken) is null ? appId : null;
    }

    public async Task<bool> RevokeAsync(string token, CancellationToken cancellationToken)
    {
        if (await ValidateAsync(token, cancellationToken) is null)
        {
            return false;
        }
        await store.SetSettingIfAbsentAsync(RevokedKey + HashHex(token), "revoked", cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether a portal token may call this API route: only routes of its own application (read the application,
    /// and everything under <c>/app/{app_id}/</c>), never another application's and never the admin-wide routes.
    /// </summary>
    public async Task<bool> AllowsAsync(HttpContext context, string token)
    {
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern }
            || context.Request.RouteValues["app_id"]?.ToString() is not { } appRoute)
        {
            return false;
        }
        bool sub = pattern.Contains("/app/{app_id}/", StringComparison.Ordinal);
        bool readApp = pattern.EndsWith("/app/{app_id}", StringComparison.Ordinal) && HttpMethods.IsGet(context.Request.Method);
        if (!sub && !readApp)
        {
            return false;
        }
        var appId = await ValidateAsync(token, context.RequestAborted);
        if (appId is null)
        {
            return false;
        }
        var app = await applications.GetApplicationAsync(appRoute, context.RequestAborted);
        return app is not null && app.Id == appId;
    }

    public static string HashHex(string token) => Convert.ToHexString(AdminAuth.Hash(token));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
