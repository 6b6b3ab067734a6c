using System.Data.Common;
using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    private const string AppColumns = "id, uid, name, throttle_rate, metadata, created_at, updated_at";

    public Task CreateApplicationAsync(Application app, CancellationToken cancellationToken) =>
        WriteUniqueAsync($"An application with uid '{app.Uid}' already exists.", (c, t) => c.ExecuteAsync(Cmd(
            $"INSERT INTO applications ({AppColumns}) VALUES (@id, @uid, @name, @throttle, @metadata, @created, @updated)",
            AppArgs(app), t, cancellationToken)), cancellationToken);

    /// <summary>The store's cache of applications, if it keeps one; every write that changes one drops it (see <see cref="ApplicationsChanged"/>).</summary>
    internal virtual ApplicationCache? Applications => null;

    public Task<Application?> GetApplicationAsync(string idOrUid, CancellationToken cancellationToken) =>
        Applications is { } cache
            ? cache.TryGet(idOrUid) ?? LoadCachedApplicationAsync(cache, idOrUid, cancellationToken)
            : ReadApplicationAsync(idOrUid, cancellationToken);

    // Apart, so that a hit does not allocate the loader.
    private Task<Application?> LoadCachedApplicationAsync(ApplicationCache cache, string idOrUid, CancellationToken cancellationToken) =>
        cache.GetAsync(idOrUid, () => ReadApplicationAsync(idOrUid, cancellationToken));

    private Task<Application?> ReadApplicationAsync(string idOrUid, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<AppRow>(Cmd(
            $"SELECT {AppColumns} FROM applications WHERE id = @v UNION ALL SELECT {AppColumns} FROM applications WHERE uid = @v LIMIT 1",
            new { v = idOrUid }, null, cancellationToken)))?.ToModel(), cancellationToken);

    public Task<Page<Application>> ListApplicationsAsync(PageRequest page, CancellationToken cancellationToken) =>
        ReadAsync(c => PageAsync<AppRow, Application>(c, $"SELECT {AppColumns} FROM applications WHERE {{0}} ORDER BY {{1}}", "id",
            new DynamicParameters(), page, r => r.ToModel(), a => a.Id, cancellationToken), cancellationToken);

    public Task UpdateApplicationAsync(Application app, CancellationToken cancellationToken) =>
        WriteUniqueAsync($"An application with uid '{app.Uid}' already exists.", (c, t) => ChangingApplications(Changing(c)).ExecuteAsync(Cmd(
            "UPDATE applications SET uid = @uid, name = @name, throttle_rate = @throttle, metadata = @metadata, updated_at = @updated WHERE id = @id",
            AppArgs(app), t, cancellationToken)), cancellationToken);

    public Task<bool> DeleteApplicationAsync(string appId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            EndpointsChanged();
            ApplicationsChanged();
            // Deliveries before attempts: a result written meanwhile either finished first (its attempt is then
            // deleted here) or finds its delivery gone and stores nothing (see WriteResultRowsAsync).
            foreach (var table in new[] { "deliveries", "attempts", "messages", "endpoints" })
            {
                await c.ExecuteAsync(Cmd($"DELETE FROM {table} WHERE app_id = @appId", new { appId }, t, cancellationToken));
            }
            return await c.ExecuteAsync(Cmd("DELETE FROM applications WHERE id = @appId", new { appId }, t, cancellationToken)) > 0;
        }, cancellationToken);

    /// <summary>Called inside every write that changes or deletes an application (a store may cache them).</summary>
    protected virtual void ApplicationsChanged()
    {
    }

    private DbConnection ChangingApplications(DbConnection c)
    {
        ApplicationsChanged();
        return c;
    }

    private static object AppArgs(Application app) => new
    {
        id = app.Id, uid = app.Uid, name = app.Name, throttle = app.ThrottleRate, metadata = StoreJson.Map(app.Metadata),
        created = Time.Ms(app.CreatedAt), updated = Time.Ms(app.UpdatedAt),
    };
}
