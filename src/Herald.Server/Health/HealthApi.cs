using Herald.Server.Api;

namespace Herald.Server.Health;

/// <summary>
/// Liveness (<c>/health/live</c>, and Svix's <c>/api/v1/health/ping</c>): the process answers. Readiness
/// (<c>/health/ready</c>, and Svix's <c>/api/v1/health</c>): the store can take writes now; otherwise 503 with a
/// problem naming the cause (<c>storage_full</c>, <c>storage_read_only</c>, <c>store_unreachable</c>, …).
/// </summary>
internal static class HealthApi
{
    public static void MapHeraldHealth(this WebApplication app)
    {
        app.MapGet("/api/v1/health", ReadyAsync);
        app.MapGet("/api/v1/health/ping", () => Reply.NoContent());
        app.MapGet("/health/live", () => Reply.NoContent());
        app.MapGet("/health/ready", ReadyAsync);
    }

    private static async Task<JsonBody> ReadyAsync(HttpContext http, ReadinessCheck readiness) =>
        await readiness.CheckAsync(http.RequestAborted) is { } failure
            ? Reply.Problem(StatusCodes.Status503ServiceUnavailable, StoreFailures.Code(failure), StoreFailures.Describe(failure) + " This node cannot store messages now.")
            : Reply.NoContent();
}
