using System.Security.Cryptography;
using Herald.Ids;
using Herald.Model;
using Herald.Server.Api;
using Herald.Server.Auth;
using Herald.Server.Changes;
using Herald.Server.Security;
using Herald.Storage;
using static Herald.Server.Dashboard.Html;

namespace Herald.Server.Dashboard;

/// <summary>The operator's dashboard under <c>/dashboard</c>, behind a session cookie obtained with the admin token.</summary>
internal static class DashboardPages
{
    private const string LoginCsrfCookie = "herald_login_csrf";

    public static void MapHeraldDashboard(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/dashboard").ExcludeFromDescription();
        group.AddEndpointFilter(async (ctx, next) =>
        {
            await ctx.HttpContext.RequestServices.GetRequiredService<DashboardSession>().CheckRevocationAsync(ctx.HttpContext);
            return await next(ctx);
        });
        group.MapGet("/login", (HttpContext http) =>
        {
            string csrf = PortalAuth.Base64Url(RandomNumberGenerator.GetBytes(24));
            http.Response.Cookies.Append(LoginCsrfCookie, csrf, DashboardSession.CookieOptions(http, "/dashboard", TimeSpan.FromMinutes(30)));
            string error = http.Request.Query["failed"] == "1" ? "<p class=\"error\">That token is not the admin token.</p>" : "";
            return Page("Sign in", "", error + Form("/dashboard/login", csrf,
                """<label>Admin token <input name="token" type="password" autocomplete="current-password" required size="50"></label>""", "Sign in", "block"));
        });
        group.MapPost("/login", async (HttpContext http, AdminAuth admin, DashboardSession sessions, FailedAuthLimiter limiter) =>
        {
            if (limiter.IsBlocked(http))
            {
                return FailedAuthLimiter.TooManyPage(http);
            }
            IFormCollection? form;
            try
            {
                form = await Forms.ReadAsync(http, http.Request.Cookies[LoginCsrfCookie] ?? "");
            }
            catch (FormException ex)
            {
                return Forms.Unreadable(ex);
            }
            if (form is null)
            {
                return Forms.Forbidden();
            }
            if (!admin.Matches(Forms.Value(form, "token")))
            {
                limiter.RecordFailure(http);
                return Results.Redirect("/dashboard/login?failed=1");
            }
            http.Response.Cookies.Delete(LoginCsrfCookie, new CookieOptions { Path = "/dashboard" });
            http.Response.Cookies.Append(DashboardSession.Cookie, sessions.Create(), DashboardSession.CookieOptions(http, "/dashboard", DashboardSession.Lifetime));
            return Results.Redirect("/dashboard");
        });
        group.MapPost("/logout", async (HttpContext http, DashboardSession sessions) =>
        {
            if (Session(http, sessions) is { } s && await Forms.TryReadAsync(http, sessions.Csrf(s)) is not null)
            {
                await sessions.RevokeAsync(s, http.RequestAborted);
                http.Response.Cookies.Delete(DashboardSession.Cookie, new CookieOptions { Path = "/dashboard" });
            }
            return Results.Redirect("/dashboard/login");
        });

        group.MapGet("", async (HttpContext http, DashboardSession sessions, IResourceStore store) =>
        {
            if (Session(http, sessions) is not { } s)
            {
                return Results.Redirect("/dashboard/login");
            }
            var apps = await store.ListApplicationsAsync(new PageRequest(250), http.RequestAborted);
            var table = Table(["Application", "Uid", "Created"], apps.Data.Select(a => new[]
            {
                Link($"/dashboard/app/{a.Id}", a.Name), E(a.Uid), Time(a.CreatedAt),
            }), "apps");
            var create = Form("/dashboard/apps", sessions.Csrf(s), """<label>Name <input name="name" required></label><label>Uid <input name="uid"></label>""", "Create application", "block");
            return Page("Applications", Nav(sessions.Csrf(s)), AppPages.Notice(http) + table + create);
        });
        group.MapPost("/apps", async (HttpContext http, DashboardSession sessions, ApplicationChanges changes) =>
        {
            if (Session(http, sessions) is not { } s)
            {
                return Forms.Forbidden();
            }
            try
            {
                if (await Forms.ReadAsync(http, sessions.Csrf(s)) is not { } form)
                {
                    return Forms.Forbidden();
                }
                var app = await changes.CreateAsync(new ApplicationDraft { Name = Forms.Value(form, "name") ?? "Application", Uid = Forms.Value(form, "uid") }, http.RequestAborted);
                return Results.Redirect($"/dashboard/app/{app.Id}");
            }
            catch (Exception ex) when (ex is ValidationFailedException or DuplicateException or FormException)
            {
                string problem = ex switch
                {
                    ValidationFailedException invalid => string.Join("; ", invalid.Errors.Select(e => $"{string.Join('.', e.Loc.Skip(1))}: {e.Msg}")),
                    FormException unreadable => unreadable.Message,
                    _ => "An application with that uid exists.",
                };
                return Results.Redirect($"/dashboard?error={Uri.EscapeDataString(problem)}");
            }
        });
        group.MapGet("/event-types", async (HttpContext http, DashboardSession sessions, IResourceStore store) =>
        {
            if (Session(http, sessions) is not { } s)
            {
                return Results.Redirect("/dashboard/login");
            }
            var types = await store.ListEventTypesAsync(new PageRequest(250), true, http.RequestAborted);
            return Page("Event types", Nav(sessions.Csrf(s)), Table(["Name", "Description", "State", "Created"], types.Data.Select(t => new[]
            {
                E(t.Name), E(t.Description), t.Archived ? Status("archived") : t.Deprecated ? Status("deprecated") : Status("active"), Time(t.CreatedAt),
            }), "event-types"));
        });
        group.MapDashboardTail();

        group.MapGroup("/app/{app_id}").MapAppPages(async http =>
        {
            var sessions = http.RequestServices.GetRequiredService<DashboardSession>();
            if (Session(http, sessions) is not { } s)
            {
                return (null, Results.Redirect("/dashboard/login"));
            }
            var store = http.RequestServices.GetRequiredService<IApplicationStore>();
            var app = await store.GetApplicationAsync(http.Request.RouteValues["app_id"]?.ToString() ?? "", http.RequestAborted);
            return app is null
                ? (null, Page("Application not found", Nav(sessions.Csrf(s)), "<p>No such application.</p>", 404))
                : (new ConsoleContext(app, $"/dashboard/app/{app.Id}", sessions.Csrf(s), true, Nav(sessions.Csrf(s))), null);
        });
    }

    /// <summary>The valid session cookie of the request, or null.</summary>
    public static string? Session(HttpContext http, DashboardSession sessions) =>
        http.Request.Cookies[DashboardSession.Cookie] is { } s && sessions.IsValid(http, s) ? s : null;

    public static string Nav(string csrf) =>
        $"""<a href="/dashboard">Applications</a><a href="/dashboard/event-types">Event types</a><a href="/dashboard/tail">Live tail</a>{Form("/dashboard/logout", csrf, "", "Sign out")}""";
}
