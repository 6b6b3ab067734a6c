using Herald.Storage;
using Herald.Storage.Queue;

namespace Herald.Server.Observability;

/// <summary><c>GET /metrics</c>: counters from this process, queue gauges from the database at scrape time.</summary>
internal static partial class MetricsEndpoint
{
    public static void MapHeraldMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", async (HttpContext http, HeraldMetrics metrics, IDeliveryQueue store, TimeProvider time, ILogger<HeraldMetrics> logger) =>
        {
            var text = new PrometheusText()
                .Single("herald_messages_ingested_total", "counter", "Messages accepted by the API.", metrics.Ingested)
                .Single("herald_deliveries_delivered_total", "counter", "Deliveries that succeeded.", metrics.Delivered)
                .Single("herald_deliveries_failed_total", "counter", "Deliveries given up on (retries exhausted, 410 Gone, endpoint disabled).", metrics.Failed)
                .Single("herald_deliveries_retried_total", "counter", "Failed attempts scheduled to be tried again.", metrics.Retried)
                .Header("herald_attempts_total", "counter", "Delivery attempts made, by result.")
                .Sample("herald_attempts_total", metrics.AttemptsSucceeded, ("result", "success"))
                .Sample("herald_attempts_total", metrics.AttemptsFailed, ("result", "failure"))
                .Header("herald_breaker_transitions_total", "counter", "Circuit breakers opened or closed by this node's results.")
                .Sample("herald_breaker_transitions_total", metrics.BreakersOpened, ("transition", "opened"))
                .Sample("herald_breaker_transitions_total", metrics.BreakersClosed, ("transition", "closed"));

            var (cumulative, sum, count) = metrics.Latency();
            text.Header("herald_delivery_duration_seconds", "histogram", "Duration of delivery attempts.");
            for (int i = 0; i < HeraldMetrics.LatencyBuckets.Length; i++)
            {
                text.Sample("herald_delivery_duration_seconds_bucket", cumulative[i], ("le", PrometheusText.Format(HeraldMetrics.LatencyBuckets[i])));
            }
            text.Sample("herald_delivery_duration_seconds_bucket", count, ("le", "+Inf"))
                .Sample("herald_delivery_duration_seconds_sum", sum)
                .Sample("herald_delivery_duration_seconds_count", count);

            text.Header("herald_endpoint_in_flight", "gauge", "Requests being sent to each endpoint now.");
            foreach (var (endpointId, inFlight) in metrics.InFlight())
            {
                text.Sample("herald_endpoint_in_flight", inFlight, ("endpoint_id", endpointId));
            }

            try
            {
                var now = time.GetUtcNow();
                var queue = await store.GetQueueStatsAsync(now, http.RequestAborted);
                text.Single("herald_queue_depth", "gauge", "Deliveries waiting or being sent.", queue.Depth)
                    .Single("herald_oldest_due_delivery_age_seconds", "gauge", "How long the oldest due delivery has been waiting.",
                        queue.OldestDueAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0)
                    .Single("herald_endpoints_breaker_open", "gauge", "Endpoints whose circuit breaker is open.", queue.OpenBreakers)
                    .Single("herald_store_up", "gauge", "Whether the database answered this scrape.", 1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStoreFailed(logger, ex);
                text.Single("herald_store_up", "gauge", "Whether the database answered this scrape.", 0);
            }
            return Results.Text(text.ToString(), PrometheusText.ContentType);
        }).ExcludeFromDescription();

    [LoggerMessage(1, LogLevel.Warning, "Metrics scrape could not read the queue from the store")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);
}
