using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver.Tests.Support;

public sealed record PaymentSucceeded(string PaymentId, decimal Amount, string Currency);

/// <summary>Records handler runs and fails on demand; one per test app.</summary>
internal sealed class HandlerProbe
{
    private int _failuresLeft;

    public ConcurrentQueue<WebhookContext<PaymentSucceeded>> Calls { get; } = new();

    public bool AlwaysFail { get; set; }

    /// <summary>Makes the handler wait until its cancellation token fires, as a long job would at shutdown.</summary>
    public bool WaitForCancellation { get; set; }

    public int FailNextTimes
    {
        set => Volatile.Write(ref _failuresLeft, value);
    }

    public int CallsFor(string messageId) => Calls.Count(c => c.MessageId == messageId);

    public void Record(WebhookContext<PaymentSucceeded> context)
    {
        Calls.Enqueue(context);
        if (AlwaysFail || Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException($"Simulated failure of attempt {context.Attempt}.");
        }
    }
}

internal sealed class PaymentSucceededHandler(HandlerProbe probe) : IWebhookHandler<PaymentSucceeded>
{
    public async Task HandleAsync(WebhookContext<PaymentSucceeded> context, CancellationToken cancellationToken)
    {
        probe.Record(context);
        if (probe.WaitForCancellation)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}

internal static class PaymentHandlerRegistration
{
    public const string EventType = "payment.succeeded";

    public static Action<IHeraldReceiverBuilder> With(HandlerProbe probe) => receiver =>
    {
        receiver.Services.AddSingleton(probe);
        receiver.AddHandler<PaymentSucceeded, PaymentSucceededHandler>(EventType);
    };
}
