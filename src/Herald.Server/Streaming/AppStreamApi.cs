using System.Security.Cryptography;
using System.Threading.Channels;
using System.Text;
using Herald.Server.Api;
using Herald.Server.Auth;
using Herald.Storage;

namespace Herald.Server.Streaming;

/// <summary>
/// <c>GET /api/v1/app/{app_id}/stream</c>: server-sent events, one per message accepted for the application from
/// the moment of connecting (admin or that application's portal token). Read from the store, so every node serves it;
/// the streams of one application share one feed. A reconnecting listener sends <c>Last-Event-ID</c> and gets what it
/// missed.
/// </summary>
internal static class AppStreamApi
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapAppStream(this RouteGroupBuilder api) =>
        api.MapGet("/app/{app_id}/stream", async (string app_id, HttpContext http, IApplicationStore applications, IMessageStore messages, TimeProvider time, AppMessageFeeds feeds, IHostApplicationLifetime lifetime) =>
        {
            // Fixed before anything is written, so a message sent as soon as the listener sees the response is included.
            var cursor = new StreamCursor(time.GetUtcNow(), http.Request.Headers["Last-Event-ID"].FirstOrDefault());
            var app = await ApplicationsApi.RequireAsync(applications, app_id, http.RequestAborted);
            var (subscription, refusal) = feeds.TrySubscribe(app.Id, TokenKey(http));
            if (subscription is null)
            {
                return Reply.Problem(StatusCodes.Status429TooManyRequests, "too_many_streams", refusal!);
            }
            using var joined = subscription;
            // Ends with the server too, so shutdown is not held up and listeners reconnect elsewhere.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            var ct = stop.Token;
            var sse = new ServerSentEvents(http.Response);
            try
            {
                await sse.StartAsync(ct);
                // Joined first, then caught up: whatever the feed hands over after joining is in the channel, and
                // what came before is read here; the ids seen in both are sent once.
                var caughtUp = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var item in AppMessageFeed.ReadAsync(messages, app.Id, cursor.Floor, _ => true, ct))
                {
                    caughtUp.Add(item.Id);
                    await sse.SendAsync("message", item.Id, item.Json, ct);
                }
                while (!ct.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    wait.CancelAfter(KeepAlive);
                    StreamItem item;
                    try
                    {
                        item = await joined.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await sse.KeepAliveAsync(ct);
                        continue;
                    }
                    if (cursor.IsAfterFloor(item.Id) && !caughtUp.Remove(item.Id))
                    {
                        await sse.SendAsync("message", item.Id, item.Json, ct);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ChannelClosedException or StreamOverflowException)
            {
                // The listener went away, the server is stopping, or the listener fell too far behind (it reconnects).
            }
            return Results.Empty;
        });

    /// <summary>Streams are counted per token; only a digest of the token is kept.</summary>
    private static string TokenKey(HttpContext http) =>
        AdminAuth.BearerToken(http) is { } token ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))) : "";
}
