using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Server.Api;
using Herald.Server.Auth;
using Herald.Server.Security;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Portal;

/// <summary>
/// <c>POST /api/v1/auth/app-portal-access/{app_id}</c> (admin) issues a portal link for one application;
/// <c>POST /api/v1/auth/logout</c> with that portal token revokes it.
/// </summary>
internal static class PortalAccessApi
{
    public static void MapPortalAccess(this RouteGroupBuilder adminApi)
    {
        adminApi.MapPost("/auth/app-portal-access/{app_id}", IssueAsync);
        // Svix's deprecated name of the same operation, still called by SDKs of the 1.x line (with no body).
        adminApi.MapPost("/auth/dashboard-access/{app_id}", IssueAsync);
    }

    private static async Task<JsonBody> IssueAsync(string app_id, HttpContext http, IApplicationStore store, PortalAuth portal, IOptions<PortalOptions> options, PublicBaseUrl publicUrl)
    {
        var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
        var input = http.Request.ContentLength is null or 0 && !http.Request.Headers.ContentType.Any()
            ? new AppPortalAccessIn()
            : await RequestBody.ReadAsync(http, PortalJsonContext.Default.AppPortalAccessIn, 16 * 1024);
        new Validation().Range("expiry", input.Expiry, 60, 7 * 24 * 3600).ThrowIfInvalid();
        var lifetime = input.Expiry is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.TokenLifetime;
        var (token, _) = await portal.IssueAsync(app.Id, lifetime, http.RequestAborted);
        string baseUrl = publicUrl.For(http);
        return Reply.Ok(new AppPortalAccessOut($"{baseUrl}/portal/login?token={Uri.EscapeDataString(token)}", token), PortalJsonContext.Default.AppPortalAccessOut);
    }

    public static void MapPortalLogout(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/auth/logout", async (HttpContext http, PortalAuth portal, FailedAuthLimiter limiter) =>
        {
            if (limiter.IsBlocked(http))
            {
                return FailedAuthLimiter.TooManyApi(http);
            }
            if (AdminAuth.BearerToken(http) is { } token && await portal.RevokeAsync(token, http.RequestAborted))
            {
                return Reply.NoContent();
            }
            limiter.RecordFailure(http);
            return Reply.Problem(StatusCodes.Status401Unauthorized, "authentication_failed", "Only a valid portal token can be logged out.");
        });
}

public sealed record AppPortalAccessIn
{
    public JsonElement? Application { get; init; }
    public List<string>? FeatureFlags { get; init; }
    /// <summary>Herald extension: the link's lifetime in seconds.</summary>
    public long? Expiry { get; init; }
}

public sealed record AppPortalAccessOut(string Url, string Token);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AppPortalAccessIn))]
[JsonSerializable(typeof(AppPortalAccessOut))]
internal sealed partial class PortalJsonContext : JsonSerializerContext;
