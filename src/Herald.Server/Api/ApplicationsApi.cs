using System.Text.Json;
using Herald.Ids;
using Herald.Model;
using Herald.Server.Changes;
using Herald.Storage;

namespace Herald.Server.Api;

internal static class ApplicationsApi
{
    /// <summary>Legacy field names (Svix SDKs of the 1.x line) and the names they stand for.</summary>
    private static readonly Dictionary<string, string> ApplicationAliases = new(StringComparer.Ordinal) { ["rateLimit"] = "throttleRate" };

    public static void MapApplications(this RouteGroupBuilder api)
    {
        api.MapGet("/app", async (HttpContext http, IApplicationStore store) =>
            Reply.Ok(Paging.Map(await store.ListApplicationsAsync(Paging.From(http, false), http.RequestAborted), ToOut), ApiJsonContext.Default.ListResponseApplicationOut));

        api.MapPost("/app", async (HttpContext http, IApplicationStore store, ApplicationChanges changes) =>
        {
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.ApplicationIn, 256 * 1024)).Canonical();
            var draft = Draft(input, input.Uid);
            if (Paging.Flag(http, "get_if_exists", false) && input.Uid is not null && await store.GetApplicationAsync(input.Uid, http.RequestAborted) is { } existing)
            {
                return Reply.Ok(ToOut(existing), ApiJsonContext.Default.ApplicationOut);
            }
            var app = await changes.CreateAsync(draft, http.RequestAborted);
            return Reply.Json(StatusCodes.Status201Created, ToOut(app), ApiJsonContext.Default.ApplicationOut);
        });

        api.MapGet("/app/{app_id}", async (string app_id, HttpContext http, IApplicationStore store) =>
            Reply.Ok(ToOut(await RequireAsync(store, app_id, http.RequestAborted)), ApiJsonContext.Default.ApplicationOut));

        api.MapPut("/app/{app_id}", async (string app_id, HttpContext http, IApplicationStore store, ApplicationChanges changes) =>
        {
            var input = (await RequestBody.ReadAsync(http, ApiJsonContext.Default.ApplicationIn, 256 * 1024)).Canonical();
            if (await store.GetApplicationAsync(app_id, http.RequestAborted) is not { } app)
            {
                string? uid = input.Uid ?? (HeraldId.HasPrefix(app_id, HeraldId.App) ? null : app_id);
                var created = await changes.CreateAsync(Draft(input, uid), http.RequestAborted);
                return Reply.Json(StatusCodes.Status201Created, ToOut(created), ApiJsonContext.Default.ApplicationOut);
            }
            var draft = Draft(input, input.Uid);
            var updated = await changes.UpdateAsync(app, a => a with
            {
                Name = draft.Name, Uid = draft.Uid ?? a.Uid, ThrottleRate = draft.ThrottleRate, Metadata = draft.Metadata ?? new Dictionary<string, string>(),
            }, http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.ApplicationOut);
        });

        api.MapPatch("/app/{app_id}", async (string app_id, HttpContext http, IApplicationStore store, ApplicationChanges changes) =>
        {
            var app = await RequireAsync(store, app_id, http.RequestAborted);
            var patch = await RequestBody.ReadAsync(http, ApiJsonContext.Default.JsonElement, 256 * 1024);
            var updated = await changes.UpdateAsync(app, current => Patch.Apply(patch, current, (a, name, value) => Patch.Canonical(patch, name, ApplicationAliases) switch
            {
                "name" => a with { Name = Patch.String(value, "name") ?? throw Patch.NotNull("name") },
                "uid" => a with { Uid = Patch.String(value, "uid") },
                "throttleRate" => a with { ThrottleRate = Patch.Int(value, "throttleRate") },
                "metadata" => a with { Metadata = Patch.Map(value, "metadata") ?? [] },
                _ => a,
            }), http.RequestAborted);
            return Reply.Ok(ToOut(updated), ApiJsonContext.Default.ApplicationOut);
        });

        api.MapDelete("/app/{app_id}", async (string app_id, HttpContext http, IApplicationStore store, ApplicationChanges changes) =>
        {
            var app = await RequireAsync(store, app_id, http.RequestAborted);
            await changes.DeleteAsync(app, http.RequestAborted);
            return Reply.NoContent();
        });
    }

    public static async Task<Application> RequireAsync(IApplicationStore store, string idOrUid, CancellationToken cancellationToken) =>
        await store.GetApplicationAsync(idOrUid, cancellationToken) ?? throw ApiException.NotFound("Application");

    /// <summary>The API's input as a draft for <see cref="ApplicationChanges"/> (name is required).</summary>
    public static ApplicationDraft Draft(ApplicationIn input, string? uid)
    {
        new Validation().Required("name", input.Name).ThrowIfInvalid();
        return new ApplicationDraft { Name = input.Name!, Uid = uid, ThrottleRate = input.ThrottleRate, Metadata = input.Metadata };
    }

    public static ApplicationOut ToOut(Application a) => new(a.Id, a.Uid, a.Name, a.ThrottleRate, a.Metadata, a.CreatedAt, a.UpdatedAt);
}
