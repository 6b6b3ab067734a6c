namespace Herald.Server.Security;

/// <summary>
/// Headers on every answer: HTML pages may not be framed, leak their URL as a referrer or load anything from
/// elsewhere; nothing Herald answers (secrets, tokens, payloads) may be stored by a browser or a shared cache,
/// except the public API reference.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
            }
            if (!IsPublicReference(http.Request.Path))
            {
                headers.CacheControl = "no-store";
            }
            return Task.CompletedTask;
        }, http);
        return next(http);
    }

    private static bool IsPublicReference(PathString path) =>
        path.Equals("/docs", StringComparison.OrdinalIgnoreCase) || path.Equals("/openapi.json", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/dashboard/tail.js", StringComparison.OrdinalIgnoreCase);
}
