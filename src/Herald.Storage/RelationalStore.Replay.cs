using Dapper;
using Herald.Model;

namespace Herald.Storage;

public abstract partial class RelationalStore
{
    /// <summary>Messages looked at per write transaction, so a long window never holds the writer for long.</summary>
    private const int ReplayBatch = 500;

    public async Task<int> ReplayMissingAsync(string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int queued = 0;
        string after = "";
        while (true)
        {
            var (last, count) = await ReplayBatchAsync(appId, endpointId, since, until, now, after, cancellationToken);
            queued += count;
            if (last is null)
            {
                return queued;
            }
            after = last;
        }
    }

    /// <summary>One batch of messages after the id <paramref name="after"/>; returns the last id looked at (null when done) and how many were queued.</summary>
    private Task<(string? Last, int Queued)> ReplayBatchAsync(
        string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, string after, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var endpoint = (await QueryFanOutCandidatesAsync(c, t, appId, endpointId, cancellationToken)).FirstOrDefault();
            if (endpoint is null)
            {
                return ((string?)null, 0);
            }
            // Messages of the window that never reached the endpoint: no successful attempt, no delivery marked
            // successful, and none being sent right now (a claimed delivery is already on its way).
            var rows = (await c.QueryAsync<MessageRow>(Cmd(
                $"""
                SELECT m.id, m.app_id, m.event_type, m.channels, m.created_at FROM messages m
                WHERE m.app_id = @appId AND m.id > @after AND m.created_at >= @since AND m.created_at < @until
                  AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.msg_id = m.id AND a.endpoint_id = @endpointId AND a.status = {StoredStatus.Success})
                  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.msg_id = m.id AND d.endpoint_id = @endpointId AND d.status IN {StoredStatus.SucceededOrSending})
                ORDER BY m.id LIMIT {ReplayBatch}
                """, new { appId, endpointId, after, since = Time.Ms(since), until = Time.Ms(until) ?? long.MaxValue }, t, cancellationToken))).ToList();
            int queued = 0;
            foreach (var message in rows.Select(r => r.ToModel()).Where(m => endpoint.Accepts(m.EventType, m.Channels)))
            {
                await c.ExecuteAsync(Cmd(
                    $"""
                    INSERT INTO deliveries (msg_id, app_id, endpoint_id, status, attempts, trigger_type, next_attempt_at, created_at, updated_at)
                    VALUES (@msgId, @appId, @endpointId, {StoredStatus.Pending}, 0, 1, @now, @now, @now)
                    ON CONFLICT (msg_id, endpoint_id) DO UPDATE SET status = {StoredStatus.Pending}, trigger_type = 1, next_attempt_at = @now, updated_at = @now
                    """, new { msgId = message.Id, appId, endpointId, now = Time.Ms(now) }, t, cancellationToken));
                queued++;
            }
            if (queued > 0)
            {
                await AfterDeliveriesQueuedAsync(c, t, cancellationToken);
            }
            return (rows.Count == ReplayBatch ? rows[^1].id : null, queued);
        }, cancellationToken);
}
