using Microsoft.Extensions.Logging;

namespace Herald.Delivery.Dispatching;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Dispatcher started: batch {BatchSize}, {MaxInFlight} in flight at most, {PerEndpoint} per endpoint")]
    public static partial void Started(ILogger logger, int batchSize, int maxInFlight, int perEndpoint);

    [LoggerMessage(2, LogLevel.Warning, "The store could not be reached by the dispatcher; retrying")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Recording {Count} delivery results failed; retrying")]
    public static partial void RecordFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Delivery {MsgId} to {EndpointId}: attempt {Attempt} answered {StatusCode} in {DurationMs} ms")]
    public static partial void Attempted(ILogger logger, string msgId, string endpointId, int attempt, int statusCode, long durationMs);

    [LoggerMessage(5, LogLevel.Information, "Dispatcher stopping: {InFlight} deliveries in flight")]
    public static partial void Stopping(ILogger logger, int inFlight);

    [LoggerMessage(6, LogLevel.Error, "Sending delivery {DeliveryId} failed unexpectedly")]
    public static partial void SendCrashed(ILogger logger, long deliveryId, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Delivery observer {Observer} failed")]
    public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "The store refused a batch of {Count} delivery results; writing it in parts")]
    public static partial void RecordRefused(ILogger logger, int count, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "The store refused the result of delivery {DeliveryId} to {EndpointId}; recording the attempt without its response")]
    public static partial void RecordingWithoutResponse(ILogger logger, long deliveryId, string endpointId, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "The store refused the result of delivery {DeliveryId} to {EndpointId} even without its response; it is dropped and the delivery is sent again when its lease expires")]
    public static partial void ResultDropped(ILogger logger, long deliveryId, string endpointId, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "Circuit breaker of endpoint {EndpointId} opened after {Failures} failed attempts in a row; next probe at {NextProbeAt}")]
    public static partial void BreakerOpened(ILogger logger, string endpointId, int failures, DateTimeOffset? nextProbeAt);

    [LoggerMessage(21, LogLevel.Information, "Circuit breaker of endpoint {EndpointId} closed: its held-back deliveries are due now")]
    public static partial void BreakerClosed(ILogger logger, string endpointId);

    [LoggerMessage(22, LogLevel.Debug, "Probing endpoint {EndpointId} with delivery {DeliveryId}")]
    public static partial void Probing(ILogger logger, string endpointId, long deliveryId);

    [LoggerMessage(23, LogLevel.Warning, "The cluster's throttle for endpoint {EndpointId} could not be read; this node's own rate applies meanwhile")]
    public static partial void ClusterThrottleFailed(ILogger logger, string endpointId, Exception exception);
}
