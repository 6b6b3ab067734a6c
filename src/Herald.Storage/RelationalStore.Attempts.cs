using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    private const string AttemptColumns =
        "a.id, a.msg_id, a.app_id, a.endpoint_id, a.url, a.status, a.status_code, a.response, a.duration_ms, a.trigger_type, a.request_headers, a.created_at";

    public Task<Page<Attempt>> ListAttemptsAsync(string appId, AttemptQuery query, CancellationToken cancellationToken) =>
        ReadAsync(c =>
        {
            var args = new DynamicParameters(new
            {
                appId, msgId = query.MsgId, endpointId = query.EndpointId, status = (int?)query.Status, channel = query.Channel,
                before = Time.Ms(query.Before), after = Time.Ms(query.After), eventTypes = query.EventTypes?.ToArray(),
                classLow = query.StatusCodeClass ?? 0, classHigh = query.StatusCodeClass is { } k && k > 0 ? k + 99 : 0,
            });
            bool joinMessage = query.Channel is not null || query.EventTypes is { Count: > 0 };
            string filters = (query.MsgId is null ? "" : " AND a.msg_id = @msgId")
                + (query.EndpointId is null ? "" : " AND a.endpoint_id = @endpointId")
                + (query.Status is null ? "" : " AND a.status = @status")
                + (query.StatusCodeClass is null ? "" : " AND a.status_code BETWEEN @classLow AND @classHigh")
                + (query.Before is null ? "" : " AND a.created_at < @before")
                + (query.After is null ? "" : " AND a.created_at > @after")
                + (query.Channel is null ? "" : " AND " + JsonArrayContains("m.channels", "@channel"))
                + (query.EventTypes is { Count: > 0 } ? " AND " + InList("m.event_type", "@eventTypes") : "");
            string from = joinMessage ? "attempts a JOIN messages m ON m.id = a.msg_id" : "attempts a";
            return PageAsync<AttemptRow, Attempt>(c, $"SELECT {AttemptColumns} FROM {from} WHERE a.app_id = @appId AND {{0}}{filters} ORDER BY {{1}}",
                "a.id", args, query.Page, r => query.WithContent ? r.ToModel() : r.ToModel() with { Response = "" }, a => a.Id, cancellationToken);
        }, cancellationToken);

    public Task<Attempt?> GetAttemptAsync(string appId, string msgId, string attemptId, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await c.QueryFirstOrDefaultAsync<AttemptRow>(Cmd(
            $"SELECT {AttemptColumns} FROM attempts a WHERE a.app_id = @appId AND a.msg_id = @msgId AND a.id = @attemptId",
            new { appId, msgId, attemptId }, null, cancellationToken)))?.ToModel(), cancellationToken);

    public Task<bool> ExpungeAttemptContentAsync(string appId, string msgId, string attemptId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => await c.ExecuteAsync(Cmd(
            "UPDATE attempts SET response = '' WHERE app_id = @appId AND msg_id = @msgId AND id = @attemptId",
            new { appId, msgId, attemptId }, t, cancellationToken)) > 0, cancellationToken);
}
