using Herald.Delivery;
using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Delivery.Ssrf;
using Herald.Server.Auth;
using Herald.Server.Dashboard;
using Herald.Server.Observability;
using Herald.Server.Operational;
using Herald.Server.Security;
using Herald.Storage;
using Herald.Storage.Sqlite;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Herald.Server.Hosting;

public static class ServiceRegistration
{
    /// <summary>Registers the store, the admin auth, the dispatcher and its HTTP sender from the <c>Herald</c> section.</summary>
    public static IServiceCollection AddHerald(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHeraldOptions<HeraldOptions, HeraldOptionsValidator>(configuration, "Herald");
        services.AddHeraldOptions<DeliveryOptions, DeliveryOptionsValidator>(configuration, "Herald:Delivery");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DispatchSignal>();

        services.TryAddSingleton<IHeraldStore>(sp =>
        {
            var herald = sp.GetRequiredService<IOptions<HeraldOptions>>().Value;
            return CreateStore(herald.Storage, sp.GetRequiredService<TimeProvider>(), NodeIdentity.Resolve(herald, configuration));
        });
        services.AddHeraldStoreRoles();
        services.TryAddSingleton<AdminAuth>();
        services.TryAddSingleton<Idempotency.IdempotencyGates>();
        services.AddHeraldOptions<Health.HealthOptions, Health.HealthOptionsValidator>(configuration, "Herald:Health");
        services.TryAddSingleton<Health.ReadinessCheck>();
        services.AddHostedService<StartupInitializer>();
        services.AddHeraldOptions<Maintenance.MaintenanceOptions, Maintenance.MaintenanceOptionsValidator>(configuration, "Herald:Maintenance");
        services.AddHeraldOptions<Maintenance.RetentionOptions, Maintenance.RetentionOptionsValidator>(configuration, "Herald:Retention");
        services.AddHostedService<Maintenance.MaintenanceService>();

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value);
        services.TryAddSingleton(sp => new OutboundAddressPolicy(sp.GetRequiredService<DeliveryOptions>().AllowedSubnets));
        services.TryAddSingleton<IHostResolver, SystemHostResolver>();
        services.TryAddSingleton<IAddressConnector, SocketAddressConnector>();
        services.TryAddSingleton<GuardedConnector>();
        services.TryAddSingleton<IDeliverySender, HttpDeliverySender>();
        services.AddHeraldObservability(configuration);
        services.AddHeraldOperationalWebhooks(configuration);
        services.AddHeraldConsoles(configuration);
        services.AddHeraldSecurity(configuration);
        services.TryAddSingleton<Changes.EndpointChanges>();
        services.TryAddSingleton<Changes.ApplicationChanges>();

        // Registered on every node, started only where Herald:Roles includes the dispatcher. A dispatcher that never
        // started accepts nothing: the API then queues the deliveries for the nodes that dispatch.
        services.TryAddSingleton<Dispatcher>();
        services.TryAddSingleton<IDeliveryHandoff>(sp => sp.GetRequiredService<Dispatcher>());
        services.TryAddSingleton<StoreNotificationListener>();
        services.AddHostedServiceFor<Dispatcher>(NodeRoles.Dispatcher);
        services.AddHostedServiceFor<StoreNotificationListener>(NodeRoles.Dispatcher);

        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HeraldOptions>>((kestrel, herald) =>
            kestrel.Limits.MaxRequestBodySize = herald.Value.MaxPayloadBytes + (256 * 1024));
        return services;
    }

    /// <param name="nodeId">The identity this node claims deliveries under (PostgreSQL; one process owns an SQLite file).</param>
    public static IHeraldStore CreateStore(StorageOptions options, TimeProvider time, string nodeId) => options.Provider switch
    {
        StorageProvider.Sqlite => new SqliteStore(options.ConnectionString, options.SqliteSynchronousFull, time, options.SqliteMaxSizeBytes),
        StorageProvider.Postgres => new Herald.Storage.Postgres.PostgresStore(options.ConnectionString, time, nodeId),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Herald:Storage:Provider is validated at start."),
    };
}

/// <summary>Creates or migrates the schema and loads the admin token before the server takes requests.</summary>
internal sealed class StartupInitializer(IStoreHealth store, AdminAuth auth) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await auth.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
