using Herald.Delivery.Dispatching;
using Herald.Server.Auth;
using Herald.Server.Hosting;
using Herald.Server.Portal;
using Herald.Server.Streaming;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Server.Dashboard;

internal static class ConsoleRegistration
{
    /// <summary>The dashboard, the consumer portal and the streams they and <c>herald listen</c> read.</summary>
    public static IServiceCollection AddHeraldConsoles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHeraldOptions<PortalOptions, PortalOptionsValidator>(configuration, "Herald:Portal");
        services.TryAddSingleton<PortalAuth>();
        services.TryAddSingleton<DashboardSession>();
        services.TryAddSingleton<DeliveryFeed>();
        services.TryAddSingleton<AppMessageFeeds>();
        services.AddHeraldOptions<LimitsOptions, LimitsOptionsValidator>(configuration, "Herald:Limits");
        services.AddSingleton<IDeliveryObserver>(sp => sp.GetRequiredService<DeliveryFeed>());
        services.AddHostedService(sp => new ClusterTail(
            StoreRoles.Capability<Storage.IClusterBroadcast>(sp), sp.GetRequiredService<DeliveryFeed>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ClusterTail>>()));
        return services;
    }

    public static void MapHeraldConsoles(this WebApplication app, RouteGroupBuilder adminApi)
    {
        adminApi.MapPortalAccess();
        adminApi.MapAppStream();
        app.MapPortalLogout();
        app.MapHeraldDashboard();
        app.MapHeraldPortal();
        app.MapGet("/", () => Results.Redirect("/dashboard")).ExcludeFromDescription();
    }
}
