using System.Diagnostics;
using Herald.Delivery.Sending;
using Herald.Retries;
using Herald.Storage;
using Herald.Storage.Queue;

namespace Herald.Server.Observability;

/// <summary>Wraps the real sender: a <c>herald.deliver</c> span per attempt and the per-endpoint in-flight gauge.</summary>
internal sealed class InstrumentedDeliverySender(IDeliverySender inner, HeraldMetrics metrics) : IDeliverySender
{
    public async Task<SendResult> SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        using var activity = HeraldTelemetry.Source.StartActivity(HeraldTelemetry.Deliver, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("herald.app_id", delivery.AppId);
            activity.SetTag("herald.msg_id", delivery.MsgId);
            activity.SetTag("herald.endpoint_id", delivery.EndpointId);
            activity.SetTag("herald.event_type", delivery.EventType);
            activity.SetTag("herald.attempt", delivery.AttemptsMade + 1);
        }
        metrics.SendStarted(delivery.EndpointId);
        try
        {
            var result = await inner.SendAsync(delivery, cancellationToken);
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", result.StatusCode);
                activity.SetTag("herald.outcome", result.Outcome.Kind.ToString());
                activity.SetStatus(result.Outcome.Kind == OutcomeKind.Success ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            }
            return result;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            metrics.SendFinished(delivery.EndpointId);
        }
    }
}
