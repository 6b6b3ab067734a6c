namespace Herald.Receiver.Handlers;

/// <summary>The payload does not fit the handler's type; retrying cannot help, so the message fails at once.</summary>
internal sealed class WebhookPayloadException : Exception
{
    public WebhookPayloadException(string message) : base(message)
    {
    }

    public WebhookPayloadException(string message, Exception inner) : base(message, inner)
    {
    }
}
