using Herald.Receiver;
using Herald.Receiver.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Herald's webhook receiver to an app's services.</summary>
public static class HeraldReceiverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the webhook receiver (verification, the inbox and the background processor) with its settings bound from
    /// <paramref name="configuration"/>, the section that holds <see cref="HeraldReceiverOptions"/>, e.g. <c>Herald:Receiver</c>.
    /// Choose the inbox on the builder returned (<c>UseSqliteInbox()</c> or <c>UsePostgresInbox(…)</c>) and add handlers to it.
    /// </summary>
    public static IHeraldReceiverBuilder AddHeraldReceiver(this IServiceCollection services, IConfiguration configuration) =>
        services.AddReceiver(Options.Options.DefaultName, configuration);

    /// <summary>Adds the webhook receiver with its settings made in code.</summary>
    public static IHeraldReceiverBuilder AddHeraldReceiver(this IServiceCollection services, Action<HeraldReceiverOptions> configure) =>
        services.AddReceiver(Options.Options.DefaultName, configure);

    /// <summary>
    /// Adds a named receiver, for an app that receives from several senders: each has its own keys, inbox table,
    /// handlers and path (<c>app.MapHeraldWebhooks("/webhooks/{name}", name)</c>), and verifies only its own webhooks.
    /// </summary>
    public static IHeraldReceiverBuilder AddHeraldReceiver(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return services.AddReceiver(name, configuration);
    }

    /// <summary>Adds a named receiver with its settings made in code.</summary>
    public static IHeraldReceiverBuilder AddHeraldReceiver(this IServiceCollection services, string name, Action<HeraldReceiverOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return services.AddReceiver(name, configure);
    }

    private static HeraldReceiverBuilder AddReceiver(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddReceiver(name);
        services.AddOptions<HeraldReceiverOptions>(name).Bind(configuration);
        services.AddSingleton(new ReceiverConfiguration(name, configuration));
        return builder;
    }

    private static HeraldReceiverBuilder AddReceiver(this IServiceCollection services, string name, Action<HeraldReceiverOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddReceiver(name);
        services.AddOptions<HeraldReceiverOptions>(name).Configure(configure);
        return builder;
    }

    private static HeraldReceiverBuilder AddReceiver(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ReceiverServices.IsRegistered(services, name))
        {
            // Before any binding, so that configuration and code override the default table.
            services.AddOptions<HeraldReceiverOptions>(name)
                .Configure(o => o.Inbox.TableName = ReceiverNames.DefaultTableName(name))
                .ValidateDataAnnotations()
                .ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldReceiverOptions>, HeraldReceiverOptionsValidator>());
            ReceiverServices.Add(services, name);
        }
        return new HeraldReceiverBuilder(services, name);
    }
}
