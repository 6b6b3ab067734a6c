using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Herald.Server.Auth;
using Herald.Storage;

namespace Herald.Server.Dashboard;

/// <summary>
/// The dashboard's session cookie: an expiry, a random id and an HMAC of both under a key derived from the admin
/// token, so changing the token ends every session. Signing out stores the id as revoked (in the store, so every
/// node refuses it). CSRF tokens are HMACs of the session.
/// </summary>
internal sealed class DashboardSession(AdminAuth admin, ISettingsStore store, TimeProvider time)
{
    public const string Cookie = "herald_session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private const string RevokedKey = "dashboard_revoked:";
    private const string RevokedItem = "herald.dashboard.revoked";
    private readonly ConcurrentDictionary<string, bool> _revoked = new(StringComparer.Ordinal);

    public string Create()
    {
        string expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string id = PortalAuth.Base64Url(RandomNumberGenerator.GetBytes(16));
        return expires + "." + id + "." + Sign("session|" + expires + "|" + id);
    }

    /// <summary>Whether the cookie is authentic, unexpired, and not revoked (as found by <see cref="CheckRevocationAsync"/>).</summary>
    public bool IsValid(HttpContext http, string? session) => IsAuthentic(session, out _) && !http.Items.ContainsKey(RevokedItem);

    /// <summary>Looks the request's session up among the revoked ones; runs before the dashboard's handlers.</summary>
    public async Task CheckRevocationAsync(HttpContext http)
    {
        if (http.Request.Cookies[Cookie] is { } session && IsAuthentic(session, out string id)
            && (_revoked.ContainsKey(id) || await store.GetSettingAsync(RevokedKey + id, http.RequestAborted) is not null))
        {
            _revoked.TryAdd(id, true);
            http.Items[RevokedItem] = true;
        }
    }

    /// <summary>Ends the session on every node.</summary>
    public async Task RevokeAsync(string session, CancellationToken cancellationToken)
    {
        if (IsAuthentic(session, out string id))
        {
            _revoked.TryAdd(id, true);
            await store.SetSettingIfAbsentAsync(RevokedKey + id, "revoked", cancellationToken);
        }
    }

    public string Csrf(string session) => Sign("csrf|" + session);

    private bool IsAuthentic(string? session, out string id)
    {
        id = "";
        if (session?.Split('.') is not [var expires, var sessionId, var signature]
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || DateTimeOffset.FromUnixTimeSeconds(seconds) <= time.GetUtcNow()
            || !FixedEquals(signature, Sign("session|" + expires + "|" + sessionId)))
        {
            return false;
        }
        id = sessionId;
        return true;
    }

    public static bool FixedEquals(string? a, string b) =>
        !string.IsNullOrEmpty(a) && b.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private string Sign(string value) => PortalAuth.Base64Url(HMACSHA256.HashData(admin.DeriveKey("dashboard"), Encoding.UTF8.GetBytes(value)));

    public static CookieOptions CookieOptions(HttpContext http, string path, TimeSpan lifetime, SameSiteMode sameSite = SameSiteMode.Strict) => new()
    {
        HttpOnly = true,
        SameSite = sameSite,
        Secure = http.Request.IsHttps,
        Path = path,
        MaxAge = lifetime,
    };
}
