using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    private const string EventTypeColumns = "name, description, archived, deprecated, feature_flag, schemas, created_at, updated_at";

    public Task CreateEventTypeAsync(EventType eventType, CancellationToken cancellationToken) =>
        WriteUniqueAsync($"An event type named '{eventType.Name}' already exists.", (c, t) => c.ExecuteAsync(Cmd(
            $"INSERT INTO event_types ({EventTypeColumns}) VALUES (@name, @description, @archived, @deprecated, @flag, @schemas, @created, @updated)",
            EventTypeArgs(eventType), t, cancellationToken)), cancellationToken);

    public Task<EventType?> GetEventTypeAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<EventTypeRow>(Cmd(
            $"SELECT {EventTypeColumns} FROM event_types WHERE name = @name", new { name }, null, cancellationToken)))?.ToModel(), cancellationToken);

    public Task<Page<EventType>> ListEventTypesAsync(PageRequest page, bool includeArchived, CancellationToken cancellationToken) =>
        ReadAsync(c => PageAsync<EventTypeRow, EventType>(c,
            $"SELECT {EventTypeColumns} FROM event_types WHERE {{0}} AND (archived = 0 OR @all = 1) ORDER BY {{1}}", "name",
            new DynamicParameters(new { all = includeArchived ? 1 : 0 }), page, r => r.ToModel(), e => e.Name, cancellationToken), cancellationToken);

    public Task UpdateEventTypeAsync(EventType eventType, CancellationToken cancellationToken) =>
        WriteAsync((c, t) => c.ExecuteAsync(Cmd(
            "UPDATE event_types SET description = @description, archived = @archived, deprecated = @deprecated, feature_flag = @flag, schemas = @schemas, updated_at = @updated WHERE name = @name",
            EventTypeArgs(eventType), t, cancellationToken)), cancellationToken);

    public Task<bool> DeleteEventTypeAsync(string name, bool expunge, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => await c.ExecuteAsync(Cmd(
            expunge ? "DELETE FROM event_types WHERE name = @name" : "UPDATE event_types SET archived = 1, updated_at = @now WHERE name = @name",
            new { name, now = Time.Ms(now) }, t, cancellationToken)) > 0, cancellationToken);

    private static object EventTypeArgs(EventType e) => new
    {
        name = e.Name, description = e.Description, archived = e.Archived ? 1 : 0, deprecated = e.Deprecated ? 1 : 0,
        flag = e.FeatureFlag, schemas = e.SchemasJson, created = Time.Ms(e.CreatedAt), updated = Time.Ms(e.UpdatedAt),
    };
}
