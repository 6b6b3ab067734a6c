using System.Net.Http.Headers;
using Checkout.Composition;
using Checkout.Provider.Herald;
using Checkout.Provider.Payments;
using Checkout.Provider.PaymentStep;
using Herald.Outbox;

namespace Checkout.Provider;

/// <summary>
/// The payment provider: takes payment requests from merchants, shows the shopper its payment step,
/// and announces every finished payment through Herald.
/// </summary>
internal static class PaymentProviderApp
{
    public static WebApplication Build(CheckoutSettings settings, ProviderLinks links)
    {
        var builder = AppHost.CreateBuilder(settings.Ports.Provider, settings);
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ProviderJsonContext.Default));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ProviderOptions(settings.ReturnDelay));
        var database = new ProviderDatabase(links.DataDirectory);
        database.EnsureCreated();
        services.AddSingleton(database);
        services.AddSingleton<PaymentLedger>();
        // Finished payments reach Herald through the outbox in the provider's own database, never by a call
        // after the commit that a crash or a Herald outage could lose.
        services.AddHeraldClient(o =>
        {
            o.BaseUrl = links.HeraldUrl.ToString();
            o.Token = settings.HeraldAdminToken;
            o.MaxRetries = 1;
        });
        services.AddHeraldOutbox(o =>
        {
            o.Provider = OutboxProvider.Sqlite;
            o.ConnectionString = database.ConnectionString;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.RetryDelay = TimeSpan.FromMilliseconds(500);
            o.MaxRetryDelay = TimeSpan.FromSeconds(10);
            // Off only to show a provider that crashed before publishing: payments still commit their webhooks.
            o.RelayEnabled = settings.ProviderRelayEnabled;
        });
        services.AddHttpClient<HeraldApiClient>(client =>
        {
            client.BaseAddress = new Uri(links.HeraldUrl, "api/v1/");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.HeraldAdminToken);
        });
        services.AddTransient<MerchantRegistration>();

        var app = builder.Build();
        app.MapPaymentsApi();
        app.MapPaymentStep();
        return app;
    }
}
