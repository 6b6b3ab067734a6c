using System.Text.Json;
using Herald.Ids;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Api;

internal static class ApplicationsApi
{
    /// <summary>Legacy field names (Svix SDKs of the 1.x line) and the names they stand for.</summary>
    private static readonly Dictionary<string, string> ApplicationAliases = new(StringComparer.Ordinal) { ["rateLimit"] = "throttleRate" };

    public static void MapApplications(this RouteGroupBuilder api)
    {
        api.MapGet("/app", async (HttpContext http, IHeraldStore store) =>
            Reply.Ok(Paging.Map(await store.ListApplicationsAsync(Paging.From(http, false), http.RequestAborted), ToOut), ApiJsonContext.Default.ListResponseApplicationOut));

        api.MapPost("/app", async (HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.ApplicationIn, 256 * 1024)).Canonical();
            Validate(input);
            if (Paging.Flag(http, "get_if_exists", false) && input.Uid is not null && await store.GetApplicationAsync(input.Uid, http.RequestAborted) is { } existing)
            {
                return Reply.Ok(ToOut(existing), ApiJsonContext.Default.ApplicationOut);
            }
            var app = await CreateAsync(store, time, input, input.Uid, http.RequestAborted);
            return Reply.Json(StatusCodes.Status201Created, ToOut(app), ApiJsonContext.Default.ApplicationOut);
        });

        api.MapGet("/app/{app_id}", async (string app_id, HttpContext http, IHeraldStore store) =>
            Reply.Ok(ToOut(await RequireAsync(store, app_id, http.RequestAborted)), ApiJsonContext.Default.ApplicationOut));

        api.MapPut("/app/{app_id}", async (string app_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.ApplicationIn, 256 * 1024)).Canonical();
            Validate(input);
            if (await store.GetApplicationAsync(app_id, http.RequestAborted) is not { } app)
            {
                string? uid = input.Uid ?? (HeraldId.HasPrefix(app_id, HeraldId.App) ? null : app_id);
                new Validation().Name("uid", uid, 256).ThrowIfInvalid();
                var created = await CreateAsync(store, time, input, uid, http.RequestAborted);
                return Reply.Json(StatusCodes.Status201Created, ToOut(created), ApiJsonContext.Default.ApplicationOut);
            }
            var updated = app with
            {
                Name = input.Name!, Uid = input.Uid ?? app.Uid, ThrottleRate = input.ThrottleRate,
                Metadata = input.Metadata ?? [], UpdatedAt = time.GetUtcNow(),
            };
            await store.UpdateApplicationAsync(updated, http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.ApplicationOut);
        });

        api.MapPatch("/app/{app_id}", async (string app_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var app = await RequireAsync(store, app_id, http.RequestAborted);
            var patch = await RequestBody.ReadAsync(http, ApiJsonContext.Default.JsonElement, 256 * 1024);
            var updated = Patch.Apply(patch, app, (a, name, value) => Patch.Canonical(patch, name, ApplicationAliases) switch
            {
                "name" => a with { Name = Patch.String(value, "name") ?? throw Patch.NotNull("name") },
                "uid" => a with { Uid = Patch.String(value, "uid") },
                "throttleRate" => a with { ThrottleRate = Patch.Int(value, "throttleRate") },
                "metadata" => a with { Metadata = Patch.Map(value, "metadata") ?? [] },
                _ => a,
            }) with { UpdatedAt = time.GetUtcNow() };
            Validate(new ApplicationIn { Name = updated.Name, Uid = updated.Uid, ThrottleRate = updated.ThrottleRate, Metadata = updated.Metadata.ToDictionary() });
            await store.UpdateApplicationAsync(updated, http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.ApplicationOut);
        });

        api.MapDelete("/app/{app_id}", async (string app_id, HttpContext http, IHeraldStore store) =>
        {
            var app = await RequireAsync(store, app_id, http.RequestAborted);
            await store.DeleteApplicationAsync(app.Id, http.RequestAborted);
            return Reply.NoContent();
        });
    }

    public static async Task<Application> RequireAsync(IHeraldStore store, string idOrUid, CancellationToken cancellationToken) =>
        await store.GetApplicationAsync(idOrUid, cancellationToken) ?? throw ApiException.NotFound("Application");

    public static void Validate(ApplicationIn input, string prefix = "") =>
        new Validation()
            .Required(prefix + "name", input.Name)
            .Text(prefix + "name", input.Name, 256)
            .Name(prefix + "uid", input.Uid, 256)
            .Range(prefix + "throttleRate", input.ThrottleRate, 1, ushort.MaxValue)
            .Metadata(prefix + "metadata", input.Metadata)
            .ThrowIfInvalid();

    public static async Task<Application> CreateAsync(IHeraldStore store, TimeProvider time, ApplicationIn input, string? uid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var app = new Application
        {
            Id = HeraldId.New(HeraldId.App, now), Uid = uid, Name = input.Name!, ThrottleRate = input.ThrottleRate,
            Metadata = input.Metadata ?? [], CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateApplicationAsync(app, cancellationToken);
        return app;
    }

    public static ApplicationOut ToOut(Application a) => new(a.Id, a.Uid, a.Name, a.ThrottleRate, a.Metadata, a.CreatedAt, a.UpdatedAt);
}
