using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver.Handlers;

/// <summary>Runs the handler registered for one event type; the untyped face of a typed registration.</summary>
internal interface IWebhookHandlerInvoker
{
    string EventType { get; }

    Task InvokeAsync(IServiceProvider services, InboxEntry entry, CancellationToken cancellationToken);
}

internal sealed class WebhookHandlerInvoker<TPayload, THandler>(string eventType) : IWebhookHandlerInvoker
    where THandler : class, IWebhookHandler<TPayload>
{
    public string EventType { get; } = eventType;

    public Task InvokeAsync(IServiceProvider services, InboxEntry entry, CancellationToken cancellationToken)
    {
        var payload = WebhookEnvelope.ReadPayload<TPayload>(entry.Body, JsonSerializerOptions.Web);
        var context = new WebhookContext<TPayload>
        {
            MessageId = entry.Id,
            EventType = EventType,
            Timestamp = entry.Timestamp,
            Attempt = entry.Attempts,
            Payload = payload,
            RawBody = entry.Body,
        };
        return services.GetRequiredService<THandler>().HandleAsync(context, cancellationToken);
    }
}
