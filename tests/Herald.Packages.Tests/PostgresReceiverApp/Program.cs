using System.Collections.Concurrent;
using Herald.Receiver;
using Npgsql;

// The Herald.Receiver.Postgres README's setup: a named receiver whose inbox shares the app's data source.
// A GET of /received lists what the handler has processed.
var builder = WebApplication.CreateBuilder(args);
var dataSource = new NpgsqlDataSourceBuilder(builder.Configuration.GetConnectionString("App")).Build();
builder.Services.AddSingleton(dataSource);
builder.Services.AddSingleton<ConcurrentQueue<string>>();
builder.Services.AddHeraldReceiver("payments", builder.Configuration.GetSection("Herald:Receivers:Payments"))
    .UsePostgresInbox(dataSource)
    .AddHandler<PaymentSucceeded, PaymentSucceededHandler>("payment.succeeded");

var app = builder.Build();
app.MapHeraldWebhooks("/webhooks/payments", "payments");
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
