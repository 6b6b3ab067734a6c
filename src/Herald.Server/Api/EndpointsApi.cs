using Herald.Delivery.Dispatching;
using Herald.Ids;
using Herald.Model;
using Endpoint = Herald.Model.Endpoint;
using Herald.Server.Changes;
using Herald.Storage;

namespace Herald.Server.Api;

internal static partial class EndpointsApi
{
    private const int BodyLimit = 512 * 1024;

    /// <summary>Legacy field names (Svix SDKs of the 1.x line) and the names they stand for.</summary>
    private static readonly Dictionary<string, string> EndpointAliases = new(StringComparer.Ordinal)
    {
        ["filterTypes"] = "eventTypes",
        ["rateLimit"] = "throttleRate",
    };

    public static void MapEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/endpoint", async (string app_id, HttpContext http, IResourceStore store) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var page = await store.ListEndpointsAsync(app.Id, Paging.From(http, false), http.RequestAborted);
            return Reply.Ok(Paging.Map(page, ToOut), ApiJsonContext.Default.ListResponseEndpointOut);
        });

        api.MapPost("/app/{app_id}/endpoint", async (string app_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointIn, BodyLimit)).Canonical();
            var endpoint = await changes.CreateAsync(app.Id, Draft(input), http.RequestAborted);
            return Reply.Json(StatusCodes.Status201Created, ToOut(endpoint), ApiJsonContext.Default.EndpointOut);
        });

        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
            Reply.Ok(ToOut((await RequireAsync(store, app_id, endpoint_id, http.RequestAborted)).Endpoint), ApiJsonContext.Default.EndpointOut));

        api.MapPut("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointIn, BodyLimit)).Canonical();
            if (await store.GetEndpointAsync(app.Id, endpoint_id, http.RequestAborted) is not { } existing)
            {
                string? uid = input.Uid ?? (HeraldId.HasPrefix(endpoint_id, HeraldId.Endpoint) ? null : endpoint_id);
                var created = await changes.CreateAsync(app.Id, Draft(input with { Uid = uid }), http.RequestAborted);
                return Reply.Json(StatusCodes.Status201Created, ToOut(created), ApiJsonContext.Default.EndpointOut);
            }
            var updated = await changes.ReplaceAsync(existing, Draft(input), http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.EndpointOut);
        });

        api.MapPatch("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var (_, existing) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var patch = await RequestBody.ReadAsync(http, ApiJsonContext.Default.JsonElement, BodyLimit);
            var updated = await changes.UpdateAsync(existing, current => Patch.Apply(patch, current, (e, name, value) => Patch.Canonical(patch, name, EndpointAliases) switch
            {
                "url" => e with { Url = Patch.String(value, name) ?? throw Patch.NotNull(name) },
                "uid" => e with { Uid = Patch.String(value, name) },
                "description" => e with { Description = Patch.String(value, name) ?? "" },
                "disabled" => EndpointChanges.WithDisabled(e, Patch.Bool(value, name)),
                "eventTypes" => e with { EventTypes = Patch.List(value, name) },
                "channels" => e with { Channels = Patch.List(value, name) },
                "throttleRate" => e with { ThrottleRate = Patch.Int(value, name) },
                "metadata" => e with { Metadata = Patch.Map(value, name) ?? [] },
                "ordering" => e with { Ordering = OrderingModeOf(Patch.String(value, name) ?? "none", name) },
                "orderingOnExhaustion" => e with { OrderingOnExhaustion = OnExhaustionOf(Patch.String(value, name) ?? "skip", name) },
                _ => e,
            }), http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.EndpointOut);
        });

        api.MapDelete("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            await changes.DeleteAsync(endpoint, http.RequestAborted);
            return Reply.NoContent();
        });

        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/stats", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var s = await store.GetEndpointStatsAsync(app.Id, endpoint.Id, Paging.Time(http, "since"), Paging.Time(http, "until"), http.RequestAborted);
            return Reply.Ok(new EndpointStatsOut(s.Success, s.Pending, s.Fail, s.Sending, 0), ApiJsonContext.Default.EndpointStatsOut);
        });

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/recover", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time, EndpointChanges changes) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.RecoverIn, 16 * 1024);
            new Validation().Required("since", input.Since).ThrowIfInvalid();
            var now = time.GetUtcNow();
            await changes.RecoverAsync(endpoint, input.Since!.Value, input.Until, http.RequestAborted);
            return Reply.Json(StatusCodes.Status202Accepted, new RecoverOut(HeraldId.New(HeraldId.Task, now), "running", "endpoint.recover", now), ApiJsonContext.Default.RecoverOut);
        });

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/replay-missing", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.ReplayIn, 16 * 1024);
            new Validation().Required("since", input.Since).ThrowIfInvalid();
            var now = time.GetUtcNow();
            await store.ReplayMissingAsync(app.Id, endpoint.Id, input.Since!.Value, input.Until, now, http.RequestAborted);
            signal.Notify();
            return Reply.Json(StatusCodes.Status202Accepted, new ReplayOut(HeraldId.New(HeraldId.Task, now), "running", "endpoint.replay", now), ApiJsonContext.Default.ReplayOut);
        });

        MapSecrets(api);
        MapHeaders(api);
        MapOrdering(api);
    }

    public static async Task<(Application App, Endpoint Endpoint)> RequireAsync(IResourceStore store, string appId, string endpointId, CancellationToken cancellationToken)
    {
        var app = await ApplicationsApi.RequireAsync(store, appId, cancellationToken);
        return (app, await store.GetEndpointAsync(app.Id, endpointId, cancellationToken) ?? throw ApiException.NotFound("Endpoint"));
    }

    /// <summary>The API's input as a draft for <see cref="EndpointChanges"/>.</summary>
    private static EndpointDraft Draft(EndpointIn input)
    {
        new Validation().Required("url", input.Url).KeyType("keyType", input.KeyType, input.Secret)
            .OrderingMode("ordering", input.Ordering).OrderingOnExhaustion("orderingOnExhaustion", input.OrderingOnExhaustion).ThrowIfInvalid();
        return new EndpointDraft
        {
            Url = input.Url!, Uid = input.Uid, Description = input.Description, Disabled = input.Disabled, EventTypes = input.EventTypes,
            Channels = input.Channels, ThrottleRate = input.ThrottleRate, Metadata = input.Metadata, Headers = input.Headers, Secret = input.Secret,
            KeyType = SecretKinds.FromName(input.KeyType) ?? SecretKind.HmacSha256,
            Ordering = Ordering.ParseMode(input.Ordering), OrderingOnExhaustion = Ordering.ParseOnExhaustion(input.OrderingOnExhaustion),
        };
    }

    public static EndpointOut ToOut(Endpoint e) => new(
        e.Id, e.Uid, e.Url, e.Description, e.Disabled, e.DisabledReason, e.EventTypes, e.Channels, e.ThrottleRate, e.Metadata, e.CreatedAt, e.UpdatedAt)
    {
        // Herald extension, left out while the breaker is closed with no failure counted.
        Breaker = e.Breaker is { Open: false, ConsecutiveFailures: 0 } ? null
            : new EndpointBreakerOut(e.Breaker.Open ? "open" : "closed", e.Breaker.ConsecutiveFailures,
                e.Breaker.Open ? e.Breaker.OpenedAt : null, e.Breaker.Open ? e.Breaker.NextProbeAt : null),
        Ordering = e.Ordering == OrderingMode.None ? null : Ordering.Name(e.Ordering),
        OrderingOnExhaustion = e.Ordering == OrderingMode.None ? null : Ordering.Name(e.OrderingOnExhaustion),
    };

    private static OrderingMode OrderingModeOf(string value, string field)
    {
        new Validation().OrderingMode(field, value).ThrowIfInvalid();
        return Ordering.ParseMode(value)!.Value;
    }

    private static OrderingOnExhaustion OnExhaustionOf(string value, string field)
    {
        new Validation().OrderingOnExhaustion(field, value).ThrowIfInvalid();
        return Ordering.ParseOnExhaustion(value)!.Value;
    }
}
