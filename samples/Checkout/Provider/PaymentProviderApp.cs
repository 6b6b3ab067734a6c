using System.Net.Http.Headers;
using Checkout.Composition;
using Checkout.Provider.Herald;
using Checkout.Provider.Payments;
using Checkout.Provider.PaymentStep;

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
        services.AddSingleton<PaymentLedger>();
        services.AddHttpClient<HeraldApiClient>(client =>
        {
            client.BaseAddress = new Uri(links.HeraldUrl, "api/v1/");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.HeraldAdminToken);
        });
        services.AddTransient<MerchantRegistration>();
        services.AddTransient<PaymentEventPublisher>();

        var app = builder.Build();
        app.MapPaymentsApi();
        app.MapPaymentStep();
        return app;
    }
}
