using Checkout.Composition;
using Checkout.Measurement;

namespace Checkout;

public static class Program
{
    public static async Task Main(string[] args)
    {
        bool measure = args.Contains("--measure");
        bool providerOnly = args.Contains("--provider");
        var builder = Host.CreateApplicationBuilder(args.Where(a => a is not ("--measure" or "--provider")).ToArray());
        var settings = builder.Configuration.GetSection("Checkout").Get<CheckoutSettings>() ?? new CheckoutSettings();
        if (measure)
        {
            Console.WriteLine(await new MeasureRun(settings, TimeProvider.System).RunAsync(CancellationToken.None));
            return;
        }
        if (providerOnly)
        {
            await ProviderProcess.RunAsync(settings, TimeProvider.System);
            return;
        }
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<CheckoutRunner>();
        await builder.Build().RunAsync();
    }
}
