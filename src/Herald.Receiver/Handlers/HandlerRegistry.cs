using System.Collections.Frozen;

namespace Herald.Receiver.Handlers;

/// <summary>Event type to handler of one receiver, fixed at startup.</summary>
internal sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IWebhookHandlerInvoker> _byEventType;

    public HandlerRegistry(string receiverName, IEnumerable<IWebhookHandlerInvoker> invokers)
    {
        var map = new Dictionary<string, IWebhookHandlerInvoker>(StringComparer.Ordinal);
        foreach (var invoker in invokers)
        {
            if (!map.TryAdd(invoker.EventType, invoker))
            {
                throw new InvalidOperationException(
                    $"More than one webhook handler is registered for event type '{invoker.EventType}'{ReceiverNames.Describe(receiverName)}; register one handler per event type.");
            }
        }
        _byEventType = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The event type that catches every message no other handler takes (including messages with no type).</summary>
    public const string CatchAll = "*";

    public IWebhookHandlerInvoker? Find(string? eventType) =>
        eventType is not null && _byEventType.TryGetValue(eventType, out var invoker) ? invoker
        : _byEventType.GetValueOrDefault(CatchAll);
}
