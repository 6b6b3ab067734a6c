using Herald.Delivery.Dispatching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Server.Operational;

internal static class OperationalRegistration
{
    public static IServiceCollection AddHeraldOperationalWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperationalOptions>().Bind(configuration.GetSection("Herald:Operational")).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OperationalPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationalPublisher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeliveryObserver, OperationalObserver>());
        return services;
    }
}
