using Herald.Server.Api;
using Herald.Server.Auth;
using Herald.Server.Dashboard;
using Herald.Server.Health;
using Herald.Server.Idempotency;
using Herald.Server.Observability;
using Herald.Server.Operational;
using Herald.Server.Security;

namespace Herald.Server.Hosting;

/// <summary>Builds the Herald server: configuration, services and routes. <c>Program</c> only runs it.</summary>
public static class HeraldServer
{
    public const string DefaultUrl = "http://127.0.0.1:8071";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.Services.AddHerald(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseHeraldSecurity();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseHeraldObservability();
        app.MapHeraldApi();
        return app;
    }

    public static void MapHeraldApi(this WebApplication app)
    {
        app.MapHeraldHealth();
        app.MapHeraldMetrics();
        Herald.Server.OpenApi.OpenApiEndpoints.MapHeraldOpenApi(app);

        var api = app.MapGroup("/api/v1").RequireAdmin().WithIdempotency();
        api.MapApplications();
        api.MapEventTypes();
        api.MapEndpoints();
        api.MapMessages();
        api.MapAttempts();
        app.MapHeraldConsoles(api);

        app.MapFallback((HttpContext http) => Reply.Problem(StatusCodes.Status404NotFound, "not_found", $"No route for {http.Request.Method} {http.Request.Path}."));
    }
}
