using Checkout.Composition;

namespace Checkout.Storefront;

/// <summary>
/// The shop's app: static HTML and plain JavaScript served from embedded files. The page talks to the store's
/// backend directly (CORS), like a mobile app would.
/// </summary>
internal static class StorefrontApp
{
    public static WebApplication Build(CheckoutSettings settings, Uri storeUrl)
    {
        var builder = AppHost.CreateBuilder(settings.Ports.Storefront, settings);
        var app = builder.Build();
        var pages = new EmbeddedPages();

        app.MapGet("/", () => pages.Serve("index.html"));
        app.MapGet("/order/{id}", (string id) => pages.Serve("order.html"));
        app.MapGet("/compare", () => pages.Serve("compare.html"));
        app.MapGet("/assets/{name}", (string name) => pages.Serve(name));
        app.MapGet("/config.js", () => Results.Text(
            $"window.checkoutConfig = {{ backendUrl: \"{storeUrl.AbsoluteUri.TrimEnd('/')}\" }};", "text/javascript; charset=utf-8"));
        return app;
    }
}
