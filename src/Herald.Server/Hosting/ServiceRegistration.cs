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
        var section = configuration.GetSection("Herald");
        services.AddOptions<HeraldOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>().Bind(section.GetSection("Delivery")).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DispatchSignal>();

        services.TryAddSingleton<IHeraldStore>(sp =>
        {
            var herald = sp.GetRequiredService<IOptions<HeraldOptions>>().Value;
            return CreateStore(herald.Storage, sp.GetRequiredService<TimeProvider>(), NodeIdentity.Resolve(herald, configuration));
        });
        services.TryAddSingleton<AdminAuth>();
        services.TryAddSingleton<Idempotency.IdempotencyGates>();
        services.AddOptions<Health.HealthOptions>().Bind(section.GetSection("Health")).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Health.ReadinessCheck>();
        services.AddHostedService<StartupInitializer>();
        services.AddOptions<Maintenance.MaintenanceOptions>().Bind(section.GetSection("Maintenance")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Maintenance.RetentionOptions>().Bind(section.GetSection("Retention")).ValidateDataAnnotations().ValidateOnStart();
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

        var roles = configuration["Herald:Roles"] ?? "api,dispatcher";
        if (roles.Contains("dispatcher", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<Dispatcher>();
            services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
            services.AddHostedService<StoreNotificationListener>();
        }

        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HeraldOptions>>((kestrel, herald) =>
            kestrel.Limits.MaxRequestBodySize = herald.Value.MaxPayloadBytes + (256 * 1024));
        return services;
    }

    /// <param name="nodeId">The identity this node claims deliveries under (PostgreSQL; one process owns an SQLite file).</param>
    public static IHeraldStore CreateStore(StorageOptions options, TimeProvider time, string nodeId) => options.Provider.ToLowerInvariant() switch
    {
        "sqlite" when options.SqliteMaxSizeBytes is < 1024 * 1024 => throw new OptionsValidationException("Herald:Storage:SqliteMaxSizeBytes", typeof(StorageOptions),
            ["Herald:Storage:SqliteMaxSizeBytes must be at least 1048576 (1 MiB)."]),
        "sqlite" => new SqliteStore(options.ConnectionString, options.SqliteSynchronousFull, time, options.SqliteMaxSizeBytes),
        "postgres" or "postgresql" => new Herald.Storage.Postgres.PostgresStore(options.ConnectionString, time, nodeId),
        _ => throw new OptionsValidationException("Herald:Storage:Provider", typeof(StorageOptions),
            [$"Herald:Storage:Provider '{options.Provider}' is not known; use 'sqlite' or 'postgres'."]),
    };
}

/// <summary>Creates or migrates the schema and loads the admin token before the server takes requests.</summary>
internal sealed class StartupInitializer(IHeraldStore store, AdminAuth auth) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await auth.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
