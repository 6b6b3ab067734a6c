using Herald.Delivery.Dispatching;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Api;

// Herald extension: what holds up an ordered endpoint's keys, and the operator's way to give up on a held head.
internal static partial class EndpointsApi
{
    private const int MaxBlocksListed = 100;

    private static void MapOrdering(RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/ordering/blocked", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var blocks = await store.ListOrderingBlocksAsync(app.Id, endpoint.Id, MaxBlocksListed, http.RequestAborted);
            return Reply.Ok(new OrderingBlocksOut(blocks.Select(ToOut).ToList()), ApiJsonContext.Default.OrderingBlocksOut);
        });

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/ordering/skip", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal) =>
        {
            var (app, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.OrderingSkipIn, 16 * 1024);
            new Validation().OrderingKey("key", input.Key).ThrowIfInvalid();
            int skipped = await store.SkipHeldAsync(app.Id, endpoint.Id, input.Key, time.GetUtcNow(), http.RequestAborted);
            signal.Notify();
            return Reply.Ok(new OrderingSkipOut(skipped), ApiJsonContext.Default.OrderingSkipOut);
        });
    }

    /// <summary>Why a key is not moving: "held" (its head used up its retries) or "retrying" (its head waits for the next attempt).</summary>
    public static OrderingBlockOut ToOut(OrderingBlock b) => new(
        b.Key, b.HeadMsgId, b.Held ? "held" : b.Status == DeliveryStatus.Sending ? "sending" : "retrying", b.Attempts, b.NextAttempt, b.Waiting,
        b.LastResponse is { Length: > 512 } r ? r[..512] : b.LastResponse);
}
