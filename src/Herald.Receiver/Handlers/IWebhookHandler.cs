namespace Herald.Receiver;

/// <summary>
/// Handles one event type. Runs in the background after the webhook was acknowledged, inside its own DI scope,
/// and is retried when it throws, so it must tolerate running more than once for the same message.
/// </summary>
public interface IWebhookHandler<TPayload>
{
    Task HandleAsync(WebhookContext<TPayload> context, CancellationToken cancellationToken);
}
