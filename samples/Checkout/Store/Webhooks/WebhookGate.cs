using System.Collections.Concurrent;

namespace Checkout.Store.Webhooks;

/// <summary>
/// Sits in front of <c>/webhooks</c>: counts every delivery attempt per <c>webhook-id</c> (the "requests made"
/// of the webhook approach) and, while the backend is switched "down", answers 503 so that Herald retries.
/// </summary>
internal sealed partial class WebhookGate(ILogger<WebhookGate> logger)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private volatile bool _down;
    private int _total;
    private int _refused;

    public bool IsDown => _down;
    public int TotalAttempts => Volatile.Read(ref _total);
    public int RefusedAttempts => Volatile.Read(ref _refused);

    public void SetDown(bool down)
    {
        _down = down;
        Switched(logger, down ? "down" : "up");
    }

    public int AttemptsFor(string messageId) => _attempts.GetValueOrDefault(messageId);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _total);
        if (context.Request.Headers["webhook-id"].ToString() is { Length: > 0 and <= 256 } id)
        {
            _attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
        if (!_down)
        {
            return next(context);
        }
        Interlocked.Increment(ref _refused);
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The store's backend is down",
            detail: "Switched off through /admin/down for the demo.").ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook receiving switched {State}")]
    private static partial void Switched(ILogger logger, string state);
}
