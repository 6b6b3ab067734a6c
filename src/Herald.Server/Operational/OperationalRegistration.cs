using Herald.Delivery.Dispatching;
using Herald.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Server.Operational;

internal static class OperationalRegistration
{
    public static IServiceCollection AddHeraldOperationalWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHeraldOptions<OperationalOptions, OperationalOptionsValidator>(configuration, "Herald:Operational");
        services.TryAddSingleton<OperationalPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationalPublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryObserver, OperationalObserver>());
        return services;
    }
}
