namespace Herald.Receiver;

/// <summary>
/// Handles one event type. Runs in the background after the webhook was acknowledged, inside its own DI scope,
/// and is retried when it throws, so it must tolerate running more than once for the same message.
/// </summary>
/// <typeparam name="TPayload">What the payload is deserialized to (<c>JsonElement</c> for the raw JSON).</typeparam>
public interface IWebhookHandler<TPayload>
{
    /// <summary>
    /// Acts on one verified webhook. Returning marks it processed; throwing schedules a retry, up to
    /// <see cref="HandlerOptions.MaxAttempts"/> attempts. A payload that does not deserialize as
    /// <typeparamref name="TPayload"/> fails at once, without reaching the handler.
    /// </summary>
    /// <param name="context">The message's id, event type, timestamp and payload deserialized as <typeparamref name="TPayload"/>.</param>
    /// <param name="cancellationToken">Cancelled when the app shuts down; the message is then put back for the next run.</param>
    Task HandleAsync(WebhookContext<TPayload> context, CancellationToken cancellationToken);
}
