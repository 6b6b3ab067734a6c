using System.Diagnostics;

namespace Herald.Server.Observability;

/// <summary>Counts accepted messages and wraps <c>POST /api/v1/app/{app_id}/msg</c> in a <c>herald.ingest</c> span.</summary>
internal sealed class IngestTelemetryMiddleware(RequestDelegate next, HeraldMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method)
            || context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern }
            || !pattern.EndsWith("/app/{app_id}/msg", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        using var activity = HeraldTelemetry.Source.StartActivity(HeraldTelemetry.Ingest, ActivityKind.Server);
        activity?.SetTag("herald.app_id", context.Request.RouteValues["app_id"]?.ToString());
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        activity?.SetTag("http.response.status_code", context.Response.StatusCode);
        if (context.Response.StatusCode == StatusCodes.Status202Accepted)
        {
            metrics.MessageIngested();
        }
        else
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }
    }
}
