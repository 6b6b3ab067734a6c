using System.Text.Json;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Api;

internal static class EventTypesApi
{
    private const int BodyLimit = 1024 * 1024;

    public static void MapEventTypes(this RouteGroupBuilder api)
    {
        api.MapGet("/event-type", async (HttpContext http, IEventTypeStore store) =>
        {
            var page = await store.ListEventTypesAsync(Paging.From(http, false), Paging.Flag(http, "include_archived", false), http.RequestAborted);
            bool withContent = Paging.Flag(http, "with_content", false);
            return Reply.Ok(Paging.Map(page, e => ToOut(e, withContent)), ApiJsonContext.Default.ListResponseEventTypeOut);
        });

        api.MapPost("/event-type", async (HttpContext http, IEventTypeStore store, TimeProvider time) =>
        {
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EventTypeIn, BodyLimit);
            Validate(input, requireName: true);
            var now = time.GetUtcNow();
            var eventType = FromInput(input, input.Name!, now, now);
            await store.CreateEventTypeAsync(eventType, http.RequestAborted);
            return Reply.Json(StatusCodes.Status201Created, ToOut(eventType, true), ApiJsonContext.Default.EventTypeOut);
        });

        api.MapGet("/event-type/{event_type_name}", async (string event_type_name, HttpContext http, IEventTypeStore store) =>
            Reply.Ok(ToOut(await RequireAsync(store, event_type_name, http.RequestAborted), true), ApiJsonContext.Default.EventTypeOut));

        api.MapPut("/event-type/{event_type_name}", async (string event_type_name, HttpContext http, IEventTypeStore store, TimeProvider time) =>
        {
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EventTypeIn, BodyLimit);
            new Validation().Name("name", event_type_name, 256, required: true).ThrowIfInvalid();
            Validate(input, requireName: false);
            var now = time.GetUtcNow();
            if (await store.GetEventTypeAsync(event_type_name, http.RequestAborted) is { } existing)
            {
                var updated = FromInput(input, existing.Name, existing.CreatedAt, now);
                await store.UpdateEventTypeAsync(updated, http.RequestAborted);
                return Reply.Ok(ToOut(updated, true), ApiJsonContext.Default.EventTypeOut);
            }
            var created = FromInput(input, event_type_name, now, now);
            await store.CreateEventTypeAsync(created, http.RequestAborted);
            return Reply.Json(StatusCodes.Status201Created, ToOut(created, true), ApiJsonContext.Default.EventTypeOut);
        });

        api.MapPatch("/event-type/{event_type_name}", async (string event_type_name, HttpContext http, IEventTypeStore store, TimeProvider time) =>
        {
            var existing = await RequireAsync(store, event_type_name, http.RequestAborted);
            var patch = await RequestBody.ReadAsync(http, ApiJsonContext.Default.JsonElement, BodyLimit);
            var updated = Patch.Apply(patch, existing, (e, name, value) => name switch
            {
                "description" => e with { Description = Patch.String(value, name) ?? "" },
                "archived" => e with { Archived = Patch.Bool(value, name) },
                "deprecated" => e with { Deprecated = Patch.Bool(value, name) },
                "featureFlag" => e with { FeatureFlag = Patch.String(value, name) },
                "schemas" => e with { SchemasJson = value.ValueKind == JsonValueKind.Null ? null : SchemasText(value) },
                _ => e,
            }) with { UpdatedAt = time.GetUtcNow() };
            new Validation().Text("description", updated.Description, Validation.MaxDescription).Name("featureFlag", updated.FeatureFlag, 256).ThrowIfInvalid();
            await store.UpdateEventTypeAsync(updated, http.RequestAborted);
            return Reply.Ok(ToOut(updated, true), ApiJsonContext.Default.EventTypeOut);
        });

        api.MapDelete("/event-type/{event_type_name}", async (string event_type_name, HttpContext http, IEventTypeStore store, TimeProvider time) =>
            await store.DeleteEventTypeAsync(event_type_name, Paging.Flag(http, "expunge", false), time.GetUtcNow(), http.RequestAborted)
                ? Reply.NoContent()
                : throw ApiException.NotFound("Event type"));
    }

    public static async Task<EventType> RequireAsync(IEventTypeStore store, string name, CancellationToken cancellationToken) =>
        await store.GetEventTypeAsync(name, cancellationToken) ?? throw ApiException.NotFound("Event type");

    private static void Validate(EventTypeIn input, bool requireName) =>
        new Validation()
            .Name("name", input.Name, 256, required: requireName)
            .Required("description", input.Description)
            .Text("description", input.Description, Validation.MaxDescription)
            .Name("featureFlag", input.FeatureFlag, 256)
            .ThrowIfInvalid();

    private static EventType FromInput(EventTypeIn input, string name, DateTimeOffset created, DateTimeOffset updated) => new()
    {
        Name = name, Description = input.Description ?? "", Archived = input.Archived, Deprecated = input.Deprecated,
        FeatureFlag = input.FeatureFlag, SchemasJson = input.Schemas is { ValueKind: not JsonValueKind.Null } s ? SchemasText(s) : null,
        CreatedAt = created, UpdatedAt = updated,
    };

    private static string SchemasText(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? value.GetRawText() : throw new ValidationFailedException([new(["body", "schemas"], "must be an object", "type_error")]);

    public static EventTypeOut ToOut(EventType e, bool withSchemas) => new(
        e.Name, e.Description, e.Archived, e.Deprecated, e.FeatureFlag,
        withSchemas && e.SchemasJson is { } s ? JsonDocument.Parse(s).RootElement.Clone() : null, e.CreatedAt, e.UpdatedAt);
}
