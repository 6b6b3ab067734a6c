using System.Collections.Concurrent;
using Herald.Receiver;

// The Herald.Receiver README's setup, with the SQLite inbox; a GET of /received lists what the handler has processed.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver"))
    .UseSqliteInbox()
    .AddHandler<PaymentSucceeded, PaymentSucceededHandler>("payment.succeeded");
builder.Services.AddSingleton<ConcurrentQueue<string>>();

var app = builder.Build();
app.MapHeraldWebhooks("/webhooks");
app.MapGet("/received", (ConcurrentQueue<string> received) => received.ToArray());
app.Run();

sealed record PaymentSucceeded(string OrderId);

sealed class PaymentSucceededHandler(ConcurrentQueue<string> received) : IWebhookHandler<PaymentSucceeded>
{
    public Task HandleAsync(WebhookContext<PaymentSucceeded> context, CancellationToken cancellationToken)
    {
        received.Enqueue($"{context.MessageId} {context.EventType} {context.Payload.OrderId}");
        return Task.CompletedTask;
    }
}
