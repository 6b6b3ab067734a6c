using System.Text.Json;
using Herald.Ids;
using Herald.Server.Api;
using Herald.Storage;

namespace Herald.Server.Streaming;

/// <summary>
/// <c>GET /api/v1/app/{app_id}/stream</c>: server-sent events, one per message accepted for the application from
/// the moment of connecting (admin or that application's portal token). Read from the store, so every node serves it.
/// </summary>
internal static class AppStreamApi
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapAppStream(this RouteGroupBuilder api) =>
        api.MapGet("/app/{app_id}/stream", async (string app_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var ct = http.RequestAborted;
            var sse = new ServerSentEvents(http.Response);
            await sse.StartAsync(ct);
            string cursor = HeraldId.LowerBound(HeraldId.Message, time.GetUtcNow());
            long lastWrite = time.GetTimestamp();
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var page = await store.ListMessagesAsync(app.Id, new MessageQuery { Page = new PageRequest(100, cursor, false) }, ct);
                    foreach (var m in page.Data)
                    {
                        var json = JsonSerializer.Serialize(new StreamedMessage(m.Id, m.EventType, m.EventId, m.Channels, MessagesApi.Payload(m.Payload), m.CreatedAt),
                            StreamJsonContext.Default.StreamedMessage);
                        await sse.SendAsync("message", m.Id, json, ct);
                        cursor = m.Id;
                        lastWrite = time.GetTimestamp();
                    }
                    if (time.GetElapsedTime(lastWrite) > KeepAlive)
                    {
                        await sse.KeepAliveAsync(ct);
                        lastWrite = time.GetTimestamp();
                    }
                    if (page.Done)
                    {
                        await Task.Delay(PollInterval, time, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The listener went away.
            }
            return Results.Empty;
        });
}
