using Checkout.Provider;

namespace Checkout.Composition;

/// <summary>
/// <c>Checkout --provider</c>: the payment provider alone, in a process of its own, over the data folder's
/// <c>provider.db</c>. The rest of the sample then runs with <c>--Checkout:ProviderUrl</c> pointing at it.
/// </summary>
internal static class ProviderProcess
{
    /// <summary>The line printed once the provider listens, followed by its address.</summary>
    public const string ListeningLine = "Payment provider listening on ";

    public static async Task RunAsync(CheckoutSettings settings, TimeProvider time)
    {
        var herald = settings.HeraldUrl ?? new Uri(AppHost.Url(settings.Ports.Herald) + "/");
        var app = PaymentProviderApp.Build(settings, new ProviderLinks(herald, CheckoutSystem.PrepareDataDirectory(settings, time)));
        await app.StartAsync();
        Console.WriteLine(ListeningLine + AppHost.BoundAddress(app));
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
    }
}
