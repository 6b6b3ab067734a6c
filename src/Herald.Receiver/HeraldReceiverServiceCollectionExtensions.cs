using Herald.Receiver.Endpoints;
using Herald.Receiver.Handlers;
using Herald.Receiver.Inbox;
using Herald.Receiver.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Receiver;

public static class HeraldReceiverServiceCollectionExtensions
{
    /// <summary>
    /// Adds the webhook receiver: verification, the inbox and the background processor.
    /// Pass the configuration section that holds <see cref="HeraldReceiverOptions"/>, e.g. <c>Herald:Receiver</c>.
    /// </summary>
    public static IServiceCollection AddHeraldReceiver(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HeraldReceiverOptions>()
            .Bind(configuration)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldReceiverOptions>, HeraldReceiverOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReceiverSettings>();
        services.TryAddSingleton<ReceiverVerifier>();
        services.TryAddSingleton<InboxSignal>();
        services.TryAddSingleton<IWebhookInbox>(sp => new SignalingWebhookInbox(CreateStore(sp), sp.GetRequiredService<InboxSignal>()));
        services.TryAddSingleton<HandlerRegistry>();
        services.TryAddSingleton<MessageRunner>();
        services.TryAddSingleton<WebhookEndpoint>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InboxProcessor>());
        return services;
    }

    /// <summary>
    /// Runs <typeparamref name="THandler"/> for webhooks whose payload <c>type</c> is <paramref name="eventType"/>,
    /// with <typeparamref name="TPayload"/> read from the payload's <c>data</c> (or the whole body when it has none).
    /// The handler is resolved from a fresh DI scope for each attempt.
    /// </summary>
    public static IServiceCollection AddWebhookHandler<TPayload, THandler>(this IServiceCollection services, string eventType)
        where THandler : class, IWebhookHandler<TPayload>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        services.TryAddScoped<THandler>();
        services.AddSingleton<IWebhookHandlerInvoker>(new WebhookHandlerInvoker<TPayload, THandler>(eventType));
        return services;
    }

    private static IWebhookInbox CreateStore(IServiceProvider services)
    {
        var inbox = services.GetRequiredService<IOptions<HeraldReceiverOptions>>().Value.Inbox;
        var time = services.GetRequiredService<TimeProvider>();
        return inbox.Provider switch
        {
            InboxProvider.Sqlite => new SqliteWebhookInbox(inbox.ConnectionString, inbox.TableName, time),
            InboxProvider.Postgres => new PostgresWebhookInbox(inbox.ConnectionString, inbox.TableName, time),
            _ => throw new InvalidOperationException($"Unknown inbox provider '{inbox.Provider}'."),
        };
    }
}
