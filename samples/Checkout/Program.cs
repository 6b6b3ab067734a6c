using Checkout.Composition;
using Checkout.Measurement;

namespace Checkout;

public static class Program
{
    public static async Task Main(string[] args)
    {
        bool measure = args.Contains("--measure");
        var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--measure").ToArray());
        var settings = builder.Configuration.GetSection("Checkout").Get<CheckoutSettings>() ?? new CheckoutSettings();
        if (measure)
        {
            Console.WriteLine(await new MeasureRun(settings, TimeProvider.System).RunAsync(CancellationToken.None));
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
