using System.Buffers;
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

    public bool IsAuthorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header.AsSpan(7).Trim());
    }

    public bool Matches(string? token) => token is not null && Matches(token.AsSpan());

    /// <summary>Hashes on the stack: every API request is checked here.</summary>
    private bool Matches(ReadOnlySpan<char> token)
    {
        if (_hash.Length == 0)
        {
            return false;
        }
        int max = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = max > 256 ? ArrayPool<byte>.Shared.Rent(max) : null;
        try
        {
            Span<byte> utf8 = rented is null ? stackalloc byte[256] : rented;
            int length = Encoding.UTF8.GetBytes(token, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], hash);
            return CryptographicOperations.FixedTimeEquals(hash, _hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

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
        group.AddEndpointFilter((ctx, next) =>
        {
            var http = ctx.HttpContext;
            var limiter = http.RequestServices.GetRequiredService<FailedAuthLimiter>();
            if (limiter.IsBlocked(http))
            {
                return ValueTask.FromResult<object?>(FailedAuthLimiter.TooManyApi(http));
            }
            // The admin token (nearly every request) goes straight on, without a state machine of this filter's own.
            return http.RequestServices.GetRequiredService<AdminAuth>().IsAuthorized(http) ? next(ctx) : OtherTokenAsync(ctx, next, limiter);
        });

    /// <summary>A portal token scoped to the request's application, else a failed authentication.</summary>
    private static async ValueTask<object?> OtherTokenAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next, FailedAuthLimiter limiter)
    {
        var http = ctx.HttpContext;
        if (AdminAuth.BearerToken(http) is { } token && token.StartsWith(PortalAuth.Prefix, StringComparison.Ordinal)
            && await http.RequestServices.GetRequiredService<PortalAuth>().AllowsAsync(http, token))
        {
            return await next(ctx);
        }
        limiter.RecordFailure(http);
        return Reply.Problem(StatusCodes.Status401Unauthorized, "authentication_failed", "A valid bearer token is required (Authorization: Bearer <token>).");
    }
}
