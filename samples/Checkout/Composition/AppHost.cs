using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Checkout.Composition;

/// <summary>Builders for the sample's web hosts: Kestrel on 127.0.0.1, quiet logging, no ambient configuration files.</summary>
internal static class AppHost
{
    public static WebApplicationBuilder CreateBuilder(int port, CheckoutSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(AppHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(Url(port));
        builder.Configuration.AddInMemoryCollection(LoggingConfig(settings));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        return builder;
    }

    public static Dictionary<string, string?> LoggingConfig(CheckoutSettings settings) => new()
    {
        ["Logging:LogLevel:Default"] = settings.LogLevel,
        ["Logging:LogLevel:Checkout"] = settings.SampleLogLevel,
    };

    public static string Url(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The address Kestrel actually bound, which differs from the configured one when the port was 0.</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
