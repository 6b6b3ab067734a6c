using Checkout.Composition;
using Checkout.Store.Admin;
using Checkout.Store.Comparison;
using Checkout.Store.Fulfilment;
using Checkout.Store.Orders;
using Checkout.Store.Payments;
using Checkout.Store.Polling;
using Checkout.Store.Webhooks;

namespace Checkout.Store;

/// <summary>
/// The store's backend: takes orders, asks the provider for payments, learns of finished payments
/// (through Herald by default, or by the two alternatives being measured) and fulfils paid orders once.
/// </summary>
internal static class StoreBackendApp
{
    public static WebApplication Build(CheckoutSettings settings, StoreLinks links)
    {
        var builder = AppHost.CreateBuilder(settings.Ports.Store, settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Herald:Receiver:Secrets:0"] = links.WebhookSecret,
            ["Herald:Receiver:Inbox:ConnectionString"] = "Data Source=" + Path.Combine(links.DataDirectory, "store-inbox.db"),
            ["Herald:Receiver:Handlers:InitialRetryDelay"] = "00:00:01",
        });

        var services = builder.Services;
        var storefront = new StorefrontLink();
        services.AddSingleton(storefront);
        services.AddCors(o => o.AddDefaultPolicy(p => p.SetIsOriginAllowed(storefront.Allows).AllowAnyHeader().WithMethods("GET", "POST")));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, StoreJsonContext.Default));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new StoreOptions(settings.PollingInterval, settings.PollingGiveUpAfter, settings.FulfilmentStepDelay,
            settings.EffectiveRetrySchedule, settings.Smtp.From));
        services.AddSingleton(links);
        services.AddSingleton(new SmtpServerAddress(links.SmtpEndPoint));
        services.AddHttpClient<ProviderClient>(c => c.BaseAddress = links.ProviderUrl);

        services.AddSingleton(new OrderStore(links.DataDirectory));
        services.AddSingleton<OrderFeed>();
        services.AddSingleton<OrderBook>();
        services.AddSingleton<PaymentIntake>();
        services.AddSingleton<WebhookGate>();
        services.AddSingleton<FulfilmentQueue>();
        services.AddSingleton<MailDelivery>();
        services.AddSingleton<ComparisonReport>();
        services.AddHostedService<FulfilmentWorker>();
        services.AddHostedService<PaymentPoller>();

        // Herald.Receiver: verify the signature, keep the message in the inbox (deduplicated by webhook-id),
        // acknowledge, then run the typed handler in the background.
        services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver"))
            .UseSqliteInbox()
            .AddHandler<PaymentEvent, PaymentSucceededHandler>("payment.succeeded")
            .AddHandler<PaymentEvent, PaymentFailedHandler>("payment.failed");

        var app = builder.Build();
        app.UseCors();
        var gate = app.Services.GetRequiredService<WebhookGate>();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/webhooks"), b => b.Use(next => c => gate.InvokeAsync(c, next)));
        app.MapHeraldWebhooks("/webhooks");
        app.MapOrdersApi();
        app.MapPaymentReport();
        app.MapConfirmationEmails();
        app.MapAdminApi();
        app.MapComparisonApi();
        return app;
    }
}
