using Herald.Client;
using Herald.Outbox;
using Herald.Outbox.Relay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the outbox and its relay to an app's services.</summary>
public static class HeraldOutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HeraldOutbox"/> (enqueueing) and the relay, a hosted service that sends committed rows with
    /// the <see cref="HeraldClient"/> that <c>AddHeraldClient</c> registers. Options are validated at start.
    /// </summary>
    public static HeraldOutboxBuilder AddHeraldOutbox(this IServiceCollection services, Action<HeraldOutboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddHeraldOutbox(services.AddOptions<HeraldOutboxOptions>().Configure(configure));
    }

    /// <summary>As the other overload, bound from a configuration section such as <c>Herald:Outbox</c>.</summary>
    public static HeraldOutboxBuilder AddHeraldOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddHeraldOutbox(services.AddOptions<HeraldOutboxOptions>().Bind(configuration));
    }

    private static HeraldOutboxBuilder AddHeraldOutbox(this IServiceCollection services, OptionsBuilder<HeraldOutboxOptions> options)
    {
        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new HeraldOutbox(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new OutboxMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<OutboxStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<HeraldOutboxOptions>>().Value;
            return o.Provider == OutboxProvider.PostgreSql ? new PostgresOutboxStore(o) : new SqliteOutboxStore(o);
        });
        services.TryAddSingleton(sp => new OutboxRelay(
            sp.GetRequiredService<OutboxStore>(),
            sp.GetService<HeraldClient>() ?? throw new InvalidOperationException("The outbox relay sends with Herald.Client: call services.AddHeraldClient(...) too, or set RelayEnabled to false."),
            sp.GetRequiredService<IOptions<HeraldOutboxOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<OutboxMetrics>(),
            sp.GetRequiredService<ILogger<OutboxRelay>>()));
        services.AddHostedService(sp => new OutboxRelayService(
            new Lazy<OutboxRelay>(sp.GetRequiredService<OutboxRelay>),
            sp.GetRequiredService<OutboxStore>(),
            sp.GetRequiredService<IOptions<HeraldOutboxOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxRelayService>>()));
        return new HeraldOutboxBuilder(services);
    }
}
