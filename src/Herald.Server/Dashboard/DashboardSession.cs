using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Herald.Server.Auth;

namespace Herald.Server.Dashboard;

/// <summary>
/// The dashboard's session cookie: an expiry and an HMAC of it under a key derived from the admin token, so no
/// session is stored and changing the token ends every session. CSRF tokens are HMACs of the session.
/// </summary>
internal sealed class DashboardSession(AdminAuth admin, TimeProvider time)
{
    public const string Cookie = "herald_session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public string Create()
    {
        string expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expires + "." + Sign("session|" + expires);
    }

    public bool IsValid(string? session)
    {
        if (session?.Split('.') is not [var expires, var signature]
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || DateTimeOffset.FromUnixTimeSeconds(seconds) <= time.GetUtcNow())
        {
            return false;
        }
        return FixedEquals(signature, Sign("session|" + expires));
    }

    public string Csrf(string session) => Sign("csrf|" + session);

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
