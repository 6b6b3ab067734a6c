using Herald.Receiver;
using Npgsql;

// The Herald.Receiver.Postgres README's setup: the inbox shares the app's data source.
var builder = WebApplication.CreateBuilder(args);
var dataSource = new NpgsqlDataSourceBuilder(builder.Configuration.GetConnectionString("App")).Build();
builder.Services.AddSingleton(dataSource);
builder.Services.AddHeraldReceiver("payments", builder.Configuration.GetSection("Herald:Receivers:Payments"))
    .UsePostgresInbox(dataSource)
    .AddHandler<PaymentSucceeded, PaymentSucceededHandler>("payment.succeeded");

var app = builder.Build();
app.MapHeraldWebhooks("/webhooks/payments", "payments");
app.Run();

sealed record PaymentSucceeded(string OrderId);

sealed class PaymentSucceededHandler(ILogger<PaymentSucceededHandler> logger) : IWebhookHandler<PaymentSucceeded>
{
    public Task HandleAsync(WebhookContext<PaymentSucceeded> context, CancellationToken cancellationToken)
    {
        logger.LogInformation("Order {OrderId} paid", context.Payload.OrderId);
        return Task.CompletedTask;
    }
}
