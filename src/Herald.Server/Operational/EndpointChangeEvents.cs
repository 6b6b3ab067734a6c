using System.Text.Json;
using Herald.Storage;

namespace Herald.Server.Operational;

/// <summary>
/// Raises <c>endpoint.created|updated|deleted</c> after the API changed an endpoint. It watches the endpoint routes'
/// outcomes, so the API handlers stay unaware of operational webhooks.
/// </summary>
internal sealed class EndpointChangeEvents(RequestDelegate next, OperationalPublisher publisher, IHeraldStore store, TimeProvider time)
{
    private const string Collection = "/app/{app_id}/endpoint";
    private const string Item = "/app/{app_id}/endpoint/{endpoint_id}";

    public async Task InvokeAsync(HttpContext context)
    {
        string method = context.Request.Method;
        if (!publisher.Enabled || HttpMethods.IsGet(method) || context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern })
        {
            await next(context);
            return;
        }
        string? appRoute = context.Request.RouteValues["app_id"]?.ToString();
        bool create = HttpMethods.IsPost(method) && pattern.EndsWith(Collection, StringComparison.Ordinal);
        bool item = pattern.EndsWith(Item, StringComparison.Ordinal) && (HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method));
        bool settings = pattern.EndsWith(Item + "/secret/rotate", StringComparison.Ordinal) || pattern.EndsWith(Item + "/headers", StringComparison.Ordinal);
        if (appRoute is null || !(create || item || settings))
        {
            await next(context);
            return;
        }

        // The endpoint as it was (for deletes and updates), and the response body (for the id of a created one).
        var before = create ? null : await FindAsync(appRoute, context.Request.RouteValues["endpoint_id"]?.ToString(), context.RequestAborted);
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }

        int status = context.Response.StatusCode;
        if (status is < 200 or >= 300 || context.Response.Headers.ContainsKey("Idempotent-Replayed"))
        {
            return;
        }
        string type = HttpMethods.IsDelete(method) && item ? OperationalEventTypes.EndpointDeleted
            : status == StatusCodes.Status201Created ? OperationalEventTypes.EndpointCreated
            : OperationalEventTypes.EndpointUpdated;
        string? id, uid, appId;
        if (before is { } known)
        {
            (id, uid, appId) = known;
        }
        else
        {
            (id, uid) = FromBody(buffer.ToArray());
            appId = (await store.GetApplicationAsync(appRoute, context.RequestAborted))?.Id;
        }
        if (id is not null && appId is not null)
        {
            publisher.Publish(new EndpointIntent(type, time.GetUtcNow(), appId, id, uid));
        }
    }

    private async Task<(string? Id, string? Uid, string? AppId)?> FindAsync(string appRoute, string? endpointRoute, CancellationToken cancellationToken)
    {
        if (endpointRoute is null || await store.GetApplicationAsync(appRoute, cancellationToken) is not { } app)
        {
            return null;
        }
        var endpoint = await store.GetEndpointAsync(app.Id, endpointRoute, cancellationToken);
        return endpoint is null ? null : (endpoint.Id, endpoint.Uid, app.Id);
    }

    private static (string? Id, string? Uid) FromBody(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return (doc.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null,
                doc.RootElement.TryGetProperty("uid", out var uid) && uid.ValueKind == JsonValueKind.String ? uid.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
