using System.Text.Json;
using Herald.Server.Api;
using Herald.Storage;

namespace Herald.Server.Streaming;

/// <summary>
/// <c>GET /api/v1/app/{app_id}/stream</c>: server-sent events, one per message accepted for the application from
/// the moment of connecting (admin or that application's portal token). Read from the store, so every node serves it.
/// A reconnecting listener sends <c>Last-Event-ID</c> and gets what it missed.
/// </summary>
internal static class AppStreamApi
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapAppStream(this RouteGroupBuilder api) =>
        api.MapGet("/app/{app_id}/stream", async (string app_id, HttpContext http, IHeraldStore store, TimeProvider time, IHostApplicationLifetime lifetime) =>
        {
            // Fixed before anything is written, so a message sent as soon as the listener sees the response is included.
            var cursor = new StreamCursor(time.GetUtcNow(), http.Request.Headers["Last-Event-ID"].FirstOrDefault());
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            // Ends with the server too, so shutdown is not held up and listeners reconnect elsewhere.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            var ct = stop.Token;
            var sse = new ServerSentEvents(http.Response);
            try
            {
                await sse.StartAsync(ct);
                long lastWrite = time.GetTimestamp();
                while (!ct.IsCancellationRequested)
                {
                    string? iterator = cursor.From(time.GetUtcNow());
                    Page<Herald.Model.Message> page;
                    do
                    {
                        page = await store.ListMessagesAsync(app.Id, new MessageQuery { Page = new PageRequest(100, iterator, false) }, ct);
                        foreach (var m in page.Data.Where(m => cursor.ShouldSend(m.Id)))
                        {
                            var json = JsonSerializer.Serialize(new StreamedMessage(m.Id, m.EventType, m.EventId, m.Channels, MessagesApi.Payload(m.Payload), m.CreatedAt),
                                StreamJsonContext.Default.StreamedMessage);
                            await sse.SendAsync("message", m.Id, json, ct);
                            lastWrite = time.GetTimestamp();
                        }
                        iterator = page.Iterator;
                    }
                    while (!page.Done);
                    if (time.GetElapsedTime(lastWrite) > KeepAlive)
                    {
                        await sse.KeepAliveAsync(ct);
                        lastWrite = time.GetTimestamp();
                    }
                    await Task.Delay(PollInterval, time, ct);
                }
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or IOException)
            {
                // The listener went away, or the server is stopping.
            }
            return Results.Empty;
        });
}
