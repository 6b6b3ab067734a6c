using Herald.Delivery.Dispatching;
using Herald.Model;
using Herald.Storage;
using Herald.Storage.Queue;
using Microsoft.Extensions.Options;

namespace Herald.Server.Operational;

/// <summary>
/// Raises <c>message.attempt.failing</c> on the N-th failed attempt in a row, <c>exhausted</c> when a delivery is
/// given up, <c>recovered</c> when a scheduled retry succeeds after failing was raised, <c>endpoint.disabled</c>, and
/// <c>endpoint.breaker.opened</c> / <c>closed</c>.
/// </summary>
internal sealed class OperationalObserver(OperationalPublisher publisher, IOptions<OperationalOptions> options, TimeProvider time) : IDeliveryObserver
{
    private readonly int _failingAfter = options.Value.FailingAfter;
    // The dispatcher reports a batch's outcomes just before the endpoints that batch disabled: remember their apps.
    private volatile Dictionary<string, string> _lastBatchApps = new(StringComparer.Ordinal);

    public void Recorded(IReadOnlyList<(DueDelivery Delivery, DeliveryResult Result)> outcomes)
    {
        if (!publisher.Enabled)
        {
            return;
        }
        var apps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (delivery, result) in outcomes)
        {
            apps[delivery.EndpointId] = delivery.AppId;
            if (result.Attempt is not { } attempt || delivery.AppId == publisher.OperationalAppId)
            {
                continue;
            }
            string? type = null;
            if (attempt.Status == DeliveryStatus.Success)
            {
                if (delivery.Trigger == TriggerType.Scheduled && result.AttemptsMade - 1 >= _failingAfter)
                {
                    type = OperationalEventTypes.AttemptRecovered;
                }
            }
            else if (result.NewStatus == DeliveryStatus.Fail)
            {
                type = OperationalEventTypes.AttemptExhausted;
            }
            else if (result.AttemptsMade == _failingAfter)
            {
                type = OperationalEventTypes.AttemptFailing;
            }
            if (type is not null)
            {
                publisher.Publish(new AttemptIntent(type, time.GetUtcNow(), delivery.AppId, delivery.MsgId, delivery.EndpointId, attempt));
            }
        }
        _lastBatchApps = apps;
    }

    public void EndpointsDisabled(IReadOnlyList<string> endpointIds)
    {
        var apps = _lastBatchApps;
        foreach (var endpointId in endpointIds)
        {
            if (apps.TryGetValue(endpointId, out var appId) && appId != publisher.OperationalAppId)
            {
                publisher.Publish(new EndpointIntent(OperationalEventTypes.EndpointDisabled, time.GetUtcNow(), appId, endpointId, null));
            }
        }
    }

    public void BreakersChanged(IReadOnlyList<Breakers.BreakerUpdate> changes)
    {
        var apps = _lastBatchApps;
        foreach (var change in changes)
        {
            if (apps.TryGetValue(change.EndpointId, out var appId) && appId != publisher.OperationalAppId)
            {
                string type = change.Opened ? OperationalEventTypes.BreakerOpened : OperationalEventTypes.BreakerClosed;
                publisher.Publish(new BreakerIntent(type, time.GetUtcNow(), appId, change.EndpointId, change.Breaker));
            }
        }
    }
}
