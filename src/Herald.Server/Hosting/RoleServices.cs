using Microsoft.Extensions.Options;

namespace Herald.Server.Hosting;

/// <summary>
/// Hosted services that run only on nodes whose <c>Herald:Roles</c> include a role. The roles are options like any
/// other (bound and validated when the host starts), so the choice is made when the host builds its hosted
/// services: the service itself where the role applies (the host watches it as usual), otherwise nothing.
/// </summary>
internal static class RoleServices
{
    public static IServiceCollection AddHostedServiceFor<TService>(this IServiceCollection services, NodeRoles role)
        where TService : class, IHostedService
    {
        // Add, not TryAddEnumerable: every registration here has the same implementation type.
        services.Add(ServiceDescriptor.Singleton<IHostedService>(sp =>
            sp.GetRequiredService<IOptions<HeraldOptions>>().Value.Roles.HasFlag(role) ? sp.GetRequiredService<TService>() : Idle.Instance));
        return services;
    }

    private sealed class Idle : IHostedService
    {
        public static readonly Idle Instance = new();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
