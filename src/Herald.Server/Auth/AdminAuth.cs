using System.Security.Cryptography;
using System.Text;
using Herald.Server.Api;
using Herald.Server.Hosting;
using Herald.Server.Security;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Auth;

/// <summary>
/// Checks <c>Authorization: Bearer</c> against the admin token. Only a SHA-256 of the token is kept, and the
/// comparison is constant-time. A token generated on first start is stored hashed and shown once.
/// </summary>
internal sealed partial class AdminAuth(ISettingsStore store, IOptions<HeraldOptions> options, ILogger<AdminAuth> logger)
{
    private const string SettingKey = "admin_token_sha256";
    private byte[] _hash = [];

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.AdminToken))
        {
            _hash = Hash(options.Value.AdminToken);
            return;
        }
        var stored = await store.GetSettingAsync(SettingKey, cancellationToken);
        if (stored is null)
        {
            string token = "hrld_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
            var kept = await store.SetSettingIfAbsentAsync(SettingKey, Convert.ToHexString(Hash(token)), cancellationToken);
            if (kept == Convert.ToHexString(Hash(token)))
            {
                // Printed once, to the console only: the token itself is never logged or stored.
                await Console.Out.WriteLineAsync($"""

                    Herald generated an admin token (shown only this once; set Herald:AdminToken to choose your own):

                        {token}

                    """);
            }
            stored = kept;
        }
        else
        {
            LogStoredToken(logger);
        }
        _hash = Convert.FromHexString(stored);
    }

    public bool IsAuthorized(HttpContext context) => Matches(BearerToken(context));

    public bool Matches(string? token) => token is not null && _hash.Length > 0 && CryptographicOperations.FixedTimeEquals(Hash(token), _hash);

    public static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    /// <summary>A key derived from the admin token for one purpose (dashboard sessions, CSRF); changes when the token does.</summary>
    public byte[] DeriveKey(string purpose) => HMACSHA256.HashData(_hash, Encoding.UTF8.GetBytes(purpose));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [LoggerMessage(1, LogLevel.Information, "Using the admin token generated on first start (set Herald:AdminToken to replace it)")]
    private static partial void LogStoredToken(ILogger logger);
}

internal static class AuthFilter
{
    /// <summary>Requires the admin token on every route of the group.</summary>
    public static RouteGroupBuilder RequireAdmin(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var limiter = http.RequestServices.GetRequiredService<FailedAuthLimiter>();
            if (limiter.IsBlocked(http))
            {
                return FailedAuthLimiter.TooManyApi(http);
            }
            var auth = http.RequestServices.GetRequiredService<AdminAuth>();
            if (auth.IsAuthorized(http)
                || (AdminAuth.BearerToken(http) is { } token && token.StartsWith(PortalAuth.Prefix, StringComparison.Ordinal)
                    && await http.RequestServices.GetRequiredService<PortalAuth>().AllowsAsync(http, token)))
            {
                return await next(ctx);
            }
            limiter.RecordFailure(http);
            return Reply.Problem(StatusCodes.Status401Unauthorized, "authentication_failed", "A valid bearer token is required (Authorization: Bearer <token>).");
        });
}
