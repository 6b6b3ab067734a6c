using System.Globalization;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Api;

internal static class AttemptsApi
{
    public static void MapAttempts(this RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/attempt/msg/{msg_id}", async (string app_id, string msg_id, HttpContext http, IResourceStore store) =>
        {
            var (app, message) = await MessagesApi.RequireAsync(store, app_id, msg_id, http.RequestAborted);
            string? endpointFilter = http.Request.Query["endpoint_id"];
            string? endpointId = null;
            if (!string.IsNullOrEmpty(endpointFilter))
            {
                endpointId = (await store.GetEndpointAsync(app.Id, endpointFilter, http.RequestAborted))?.Id ?? throw ApiException.NotFound("Endpoint");
            }
            return await ListAsync(http, store, app.Id, Query(http) with { MsgId = message.Id, EndpointId = endpointId });
        });

        api.MapGet("/app/{app_id}/attempt/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
        {
            var (app, endpoint) = await EndpointsApi.RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            return await ListAsync(http, store, app.Id, Query(http) with { EndpointId = endpoint.Id });
        });

        api.MapGet("/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}", async (string app_id, string msg_id, string attempt_id, HttpContext http, IResourceStore store) =>
        {
            var (app, message) = await MessagesApi.RequireAsync(store, app_id, msg_id, http.RequestAborted);
            var attempt = await store.GetAttemptAsync(app.Id, message.Id, attempt_id, http.RequestAborted) ?? throw ApiException.NotFound("Attempt");
            return Reply.Ok(ToOut(attempt), ApiJsonContext.Default.MessageAttemptOut);
        });

        api.MapDelete("/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}/content", async (string app_id, string msg_id, string attempt_id, HttpContext http, IResourceStore store) =>
        {
            var (app, message) = await MessagesApi.RequireAsync(store, app_id, msg_id, http.RequestAborted);
            return await store.ExpungeAttemptContentAsync(app.Id, message.Id, attempt_id, http.RequestAborted)
                ? Reply.NoContent()
                : throw ApiException.NotFound("Attempt");
        });
    }

    private static async Task<JsonBody> ListAsync(HttpContext http, IResourceStore store, string appId, AttemptQuery query) =>
        Reply.Ok(Paging.Map(await store.ListAttemptsAsync(appId, query, http.RequestAborted), ToOut), ApiJsonContext.Default.ListResponseMessageAttemptOut);

    private static AttemptQuery Query(HttpContext http)
    {
        int? codeClass = null;
        string? rawClass = http.Request.Query["status_code_class"];
        if (!string.IsNullOrEmpty(rawClass))
        {
            codeClass = int.TryParse(rawClass, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c is 0 or 100 or 200 or 300 or 400 or 500
                ? c
                : throw Paging.QueryError("status_code_class", "must be one of 0, 100, 200, 300, 400, 500");
        }
        return new AttemptQuery
        {
            Page = Paging.From(http, true),
            Status = StatusFilter(http),
            StatusCodeClass = codeClass,
            Channel = MessagesApi.ValidQueryName(http, "channel", 128),
            EventTypes = EventTypesFilter(http),
            Before = Paging.Time(http, "before"),
            After = Paging.Time(http, "after"),
            WithContent = Paging.Flag(http, "with_content", true),
        };
    }

    public static DeliveryStatus? StatusFilter(HttpContext http)
    {
        string? raw = http.Request.Query["status"];
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s is >= 0 and <= 3
            ? (DeliveryStatus)s
            : throw Paging.QueryError("status", "must be 0 (success), 1 (pending), 2 (fail) or 3 (sending)");
    }

    public static IReadOnlyList<string>? EventTypesFilter(HttpContext http)
    {
        var values = http.Request.Query["event_types"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (values.Count == 0)
        {
            return null;
        }
        try
        {
            new Validation().Names("event_types", values, 100, 256).ThrowIfInvalid();
        }
        catch (ValidationFailedException)
        {
            throw Paging.QueryError("event_types", "must be up to 100 event type names");
        }
        return values;
    }

    public static MessageAttemptOut ToOut(Attempt a) => new(
        a.Id, a.MsgId, a.EndpointId, a.Url, a.Response, a.ResponseStatusCode, a.ResponseDurationMs, a.Status,
        DeliveryStatusText.Of(a.Status), a.TriggerType, a.Timestamp);
}
