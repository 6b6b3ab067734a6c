using Herald.Delivery.Dispatching;
using Herald.Ids;
using Herald.Model;
using Endpoint = Herald.Model.Endpoint;
using Herald.Signing;
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
        api.MapGet("/app/{app_id}/endpoint", async (string app_id, HttpContext http, IHeraldStore store) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var page = await store.ListEndpointsAsync(app.Id, Paging.From(http, false), http.RequestAborted);
            return Reply.Ok(Paging.Map(page, ToOut), ApiJsonContext.Default.ListResponseEndpointOut);
        });

        api.MapPost("/app/{app_id}/endpoint", async (string app_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointIn, BodyLimit)).Canonical();
            Validate(input);
            var endpoint = await CreateAsync(store, time, app.Id, input, http.RequestAborted);
            return Reply.Json(StatusCodes.Status201Created, ToOut(endpoint), ApiJsonContext.Default.EndpointOut);
        });

        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store) =>
            Reply.Ok(ToOut((await RequireAsync(store, app_id, endpoint_id, http.RequestAborted)).Endpoint), ApiJsonContext.Default.EndpointOut));

        api.MapPut("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointIn, BodyLimit)).Canonical();
            Validate(input);
            if (await store.GetEndpointAsync(app.Id, endpoint_id, http.RequestAborted) is not { } existing)
            {
                string? uid = input.Uid ?? (HeraldId.HasPrefix(endpoint_id, HeraldId.Endpoint) ? null : endpoint_id);
                new Validation().Name("uid", uid, 256).ThrowIfInvalid();
                var created = await CreateAsync(store, time, app.Id, input with { Uid = uid }, http.RequestAborted);
                return Reply.Json(StatusCodes.Status201Created, ToOut(created), ApiJsonContext.Default.EndpointOut);
            }
            var updated = existing with
            {
                Url = input.Url!, Uid = input.Uid ?? existing.Uid, Description = input.Description ?? "", Disabled = input.Disabled,
                DisabledReason = input.Disabled ? existing.DisabledReason : null, FailingSince = input.Disabled ? existing.FailingSince : null,
                EventTypes = input.EventTypes, Channels = input.Channels, ThrottleRate = input.ThrottleRate,
                Metadata = input.Metadata ?? [], UpdatedAt = time.GetUtcNow(),
            };
            await store.UpdateEndpointAsync(updated, http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.EndpointOut);
        });

        api.MapPatch("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var (_, existing) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var patch = await RequestBody.ReadAsync(http, ApiJsonContext.Default.JsonElement, BodyLimit);
            var updated = Patch.Apply(patch, existing, (e, name, value) => Patch.Canonical(patch, name, EndpointAliases) switch
            {
                "url" => e with { Url = Patch.String(value, name) ?? throw Patch.NotNull(name) },
                "uid" => e with { Uid = Patch.String(value, name) },
                "description" => e with { Description = Patch.String(value, name) ?? "" },
                "disabled" => Patch.Bool(value, name) is var off && off
                    ? e with { Disabled = true }
                    : e with { Disabled = false, DisabledReason = null, FailingSince = null },
                "eventTypes" => e with { EventTypes = Patch.List(value, name) },
                "channels" => e with { Channels = Patch.List(value, name) },
                "throttleRate" => e with { ThrottleRate = Patch.Int(value, name) },
                "metadata" => e with { Metadata = Patch.Map(value, name) ?? [] },
                _ => e,
            }) with { UpdatedAt = time.GetUtcNow() };
            Validate(new EndpointIn
            {
                Url = updated.Url, Uid = updated.Uid, Description = updated.Description, EventTypes = updated.EventTypes?.ToList(),
                Channels = updated.Channels?.ToList(), ThrottleRate = updated.ThrottleRate, Metadata = updated.Metadata.ToDictionary(),
            });
            await store.UpdateEndpointAsync(updated, http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.EndpointOut);
        });

        api.MapDelete("/app/{app_id}/endpoint/{endpoint_id}", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            await store.DeleteEndpointAsync(app.Id, endpoint.Id, http.RequestAborted);
            return Reply.NoContent();
        });

        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/stats", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var s = await store.GetEndpointStatsAsync(app.Id, endpoint.Id, Paging.Time(http, "since"), Paging.Time(http, "until"), http.RequestAborted);
            return Reply.Ok(new EndpointStatsOut(s.Success, s.Pending, s.Fail, s.Sending, 0), ApiJsonContext.Default.EndpointStatsOut);
        });

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/recover", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, DispatchSignal signal) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.RecoverIn, 16 * 1024);
            new Validation().Required("since", input.Since).ThrowIfInvalid();
            var now = time.GetUtcNow();
            await store.RecoverEndpointAsync(app.Id, endpoint.Id, input.Since!.Value, input.Until, now, http.RequestAborted);
            signal.Notify();
            return Reply.Json(StatusCodes.Status202Accepted, new RecoverOut(HeraldId.New(HeraldId.Task, now), "running", "endpoint.recover", now), ApiJsonContext.Default.RecoverOut);
        });

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/replay-missing", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, DispatchSignal signal) =>
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
    }

    public static async Task<(Application App, Endpoint Endpoint)> RequireAsync(IHeraldStore store, string appId, string endpointId, CancellationToken cancellationToken)
    {
        var app = await ApplicationsApi.RequireAsync(store, appId, cancellationToken);
        return (app, await store.GetEndpointAsync(app.Id, endpointId, cancellationToken) ?? throw ApiException.NotFound("Endpoint"));
    }

    private static void Validate(EndpointIn input) =>
        new Validation()
            .Url("url", input.Url)
            .Name("uid", input.Uid, 256)
            .Text("description", input.Description, Validation.MaxDescription)
            .Names("eventTypes", input.EventTypes, 256, 256)
            .Names("channels", input.Channels, 10, 128)
            .Range("throttleRate", input.ThrottleRate, 1, ushort.MaxValue)
            .Metadata("metadata", input.Metadata)
            .Secret("secret", input.Secret)
            .Headers("headers", (input.Headers ?? []).Select(h => new KeyValuePair<string, string?>(h.Key, h.Value)))
            .ThrowIfInvalid();

    private static async Task<Endpoint> CreateAsync(IHeraldStore store, TimeProvider time, string appId, EndpointIn input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = appId, Uid = input.Uid, Url = input.Url!, Description = input.Description ?? "",
            Disabled = input.Disabled, EventTypes = input.EventTypes, Channels = input.Channels, ThrottleRate = input.ThrottleRate,
            Metadata = input.Metadata ?? [], Headers = input.Headers ?? [], Secret = NormalizeSecret(input.Secret) ?? WebhookSecret.Generate(),
            CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateEndpointAsync(endpoint, cancellationToken);
        return endpoint;
    }

    private static string? NormalizeSecret(string? secret) =>
        secret is null ? null : secret.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal) ? secret : WebhookSecret.Prefix + secret;

    public static EndpointOut ToOut(Endpoint e) => new(
        e.Id, e.Uid, e.Url, e.Description, e.Disabled, e.DisabledReason, e.EventTypes, e.Channels, e.ThrottleRate, e.Metadata, e.CreatedAt, e.UpdatedAt);
}
