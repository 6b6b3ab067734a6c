using System.Security.Cryptography;
using System.Text;
using Herald.Server.Auth;
using Herald.Server.Dashboard;
using Herald.Server.Security;
using Herald.Storage;

namespace Herald.Server.Portal;

/// <summary>
/// The consumer portal under <c>/portal</c>: the link's token is exchanged for an HttpOnly, SameSite=Strict cookie,
/// and every page is scoped to the token's one application.
/// </summary>
internal static class PortalPages
{
    public const string Cookie = "herald_portal";

    public static void MapHeraldPortal(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/portal").ExcludeFromDescription();
        group.MapGet("/login", async (HttpContext http, PortalAuth portal, FailedAuthLimiter limiter) =>
        {
            if (limiter.IsBlocked(http))
            {
                return FailedAuthLimiter.TooManyPage(http);
            }
            string? token = http.Request.Query["token"];
            if (await portal.ValidateAsync(token, http.RequestAborted) is null)
            {
                limiter.RecordFailure(http);
                return Refused();
            }
            // Lax, not Strict: a portal link is opened from the provider's own site, and the redirect that follows
            // must carry the cookie. Every state-changing form still needs the per-token CSRF field.
            http.Response.Cookies.Append(Cookie, token!, DashboardSession.CookieOptions(http, "/portal", TimeSpan.FromHours(12), SameSiteMode.Lax));
            return Results.Redirect("/portal", permanent: false, preserveMethod: false);
        });
        group.MapPost("/logout", async (HttpContext http, PortalAuth portal) =>
        {
            if (http.Request.Cookies[Cookie] is { } token && await Forms.TryReadAsync(http, Csrf(token)) is not null)
            {
                await portal.RevokeAsync(token, http.RequestAborted);
                http.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/portal" });
            }
            return Html.Page("Signed out", "", "<p>You have left the portal. Ask for a new link to come back.</p>");
        });

        group.MapAppPages(async http =>
        {
            var portal = http.RequestServices.GetRequiredService<PortalAuth>();
            string? token = http.Request.Cookies[Cookie];
            var appId = await portal.ValidateAsync(token, http.RequestAborted);
            var app = appId is null ? null : await http.RequestServices.GetRequiredService<IApplicationStore>().GetApplicationAsync(appId, http.RequestAborted);
            if (app is null)
            {
                return (null, Refused());
            }
            string csrf = Csrf(token!);
            string nav = $"<span>{Html.E(app.Name)}</span><a href=\"/portal\">Endpoints and messages</a>{Html.Form("/portal/logout", csrf, "", "Sign out")}";
            return (new ConsoleContext(app, "/portal", csrf, false, nav), null);
        });
    }

    private static IResult Refused() =>
        Html.Page("Link expired", "", "<p class=\"error\" id=\"refused\">This portal link has expired, was revoked or is not valid. Ask for a new one.</p>", 401);

    /// <summary>The CSRF token of a portal session: an HMAC keyed by the (secret) portal token.</summary>
    private static string Csrf(string token) =>
        PortalAuth.Base64Url(HMACSHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(token)), "portal-csrf"u8));
}
