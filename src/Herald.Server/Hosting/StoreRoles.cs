using Herald.Storage;
using Herald.Storage.Queue;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Server.Hosting;

/// <summary>
/// The one store instance, registered under each role it plays, so that every consumer asks for the narrowest role it
/// needs. Capabilities that only some databases offer are asked of the store here, once, and nowhere else.
/// </summary>
internal static class StoreRoles
{
    public static IServiceCollection AddHeraldStoreRoles(this IServiceCollection services)
    {
        services.TryAddSingleton<IStoreHealth>(Store);
        services.TryAddSingleton<IApplicationStore>(Store);
        services.TryAddSingleton<IEventTypeStore>(Store);
        services.TryAddSingleton<IEndpointStore>(Store);
        services.TryAddSingleton<IMessageStore>(Store);
        services.TryAddSingleton<IAttemptStore>(Store);
        services.TryAddSingleton<IResourceStore>(Store);
        services.TryAddSingleton<IDeliveryQueue>(Store);
        services.TryAddSingleton<IStoreMaintenance>(Store);
        services.TryAddSingleton<IIdempotencyStore>(Store);
        services.TryAddSingleton<ISettingsStore>(Store);
        services.TryAddSingleton<IClusterLock>(sp => Capability<IClusterLock>(sp) ?? RunsInline.Instance);
        services.TryAddSingleton<IStoreWakeups>(sp => Capability<IStoreWakeups>(sp) ?? NoWakeups.Instance);
        return services;
    }

    /// <summary>The store's <typeparamref name="T"/> capability; null when its database has none.</summary>
    public static T? Capability<T>(IServiceProvider services) where T : class => Store(services) as T;

    private static IHeraldStore Store(IServiceProvider services) => services.GetRequiredService<IHeraldStore>();

    /// <summary>For a store that offers no lock, having no other node to keep out: the work runs at once.</summary>
    private sealed class RunsInline : IClusterLock
    {
        public static readonly RunsInline Instance = new();

        public async Task<bool> TryRunExclusiveAsync(long lockKey, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
        {
            await work(cancellationToken);
            return true;
        }
    }

    /// <summary>For a store that one process owns: no other node queues deliveries, so there is nothing to hear.</summary>
    private sealed class NoWakeups : IStoreWakeups
    {
        public static readonly NoWakeups Instance = new();

        public Task ListenAsync(Action onNotify, Action<Exception>? onError, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
