using Herald.Receiver.Endpoints;
using Herald.Receiver.Handlers;
using Herald.Receiver.Inbox;
using Herald.Receiver.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Receiver.DependencyInjection;

/// <summary>
/// The services of one receiver, keyed by its name, so that receivers of several senders live side by side without
/// sharing keys, inbox or handlers. The unnamed receiver's inbox is also registered unkeyed.
/// </summary>
internal static class ReceiverServices
{
    /// <summary>Marks a receiver's name as registered.</summary>
    private sealed class Registered;

    public static bool IsRegistered(IServiceCollection services, string name) =>
        services.Any(d => d.IsKeyedService && d.ServiceType == typeof(Registered) && Equals(d.ServiceKey, name));

    public static void Add(IServiceCollection services, string name)
    {
        services.AddKeyedSingleton(name, new Registered());
        services.TryAddSingleton(TimeProvider.System);

        services.AddKeyedSingleton(name, static (sp, key) =>
            ActivatorUtilities.CreateInstance<ReceiverSettings>(sp, (string)key!));
        services.AddKeyedSingleton(name, static (sp, key) =>
            ActivatorUtilities.CreateInstance<ReceiverVerifier>(sp, Settings(sp, key)));
        services.AddKeyedSingleton<InboxSignal>(name);
        services.AddKeyedSingleton<IWebhookInbox>(name, static (sp, key) =>
            new SignalingWebhookInbox(CreateStore(sp, (string)key!), sp.GetRequiredKeyedService<InboxSignal>(key)));
        services.AddKeyedSingleton(name, static (sp, key) =>
            new HandlerRegistry((string)key!, sp.GetKeyedServices<IWebhookHandlerInvoker>(key)));
        services.AddKeyedSingleton(name, static (sp, key) =>
            ActivatorUtilities.CreateInstance<MessageRunner>(sp, Inbox(sp, key), sp.GetRequiredKeyedService<HandlerRegistry>(key), Settings(sp, key)));
        services.AddKeyedSingleton(name, static (sp, key) =>
            ActivatorUtilities.CreateInstance<WebhookEndpoint>(sp, (string)key!, sp.GetRequiredKeyedService<ReceiverVerifier>(key), Inbox(sp, key), Settings(sp, key)));
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<InboxProcessor>(sp, name,
            Inbox(sp, name), sp.GetRequiredKeyedService<InboxSignal>(name), sp.GetRequiredKeyedService<MessageRunner>(name), Settings(sp, name)));

        if (name == Options.DefaultName)
        {
            services.TryAddSingleton<IWebhookInbox>(static sp => sp.GetRequiredKeyedService<IWebhookInbox>(Options.DefaultName));
        }
    }

    /// <summary>Sets the receiver's inbox; one per receiver.</summary>
    public static void SetInbox(IServiceCollection services, string name, Func<IServiceProvider, IWebhookInbox> createStore)
    {
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(InboxRegistration) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"An inbox is already set for the receiver{Describe(name)}; choose one inbox per receiver.");
        }
        services.AddKeyedSingleton(name, new InboxRegistration(createStore));
    }

    /// <summary>Whether <c>MapHeraldWebhooks</c> can serve the receiver; the reason when not.</summary>
    public static string? Problem(IServiceProvider services, string name)
    {
        var keyed = services.GetService<IServiceProviderIsKeyedService>();
        string call = name.Length == 0
            ? "builder.Services.AddHeraldReceiver(builder.Configuration.GetSection(\"Herald:Receiver\"))"
            : $"builder.Services.AddHeraldReceiver(\"{name}\", …)";
        if (keyed?.IsKeyedService(typeof(WebhookEndpoint), name) != true)
        {
            return $"Herald's receiver{Describe(name)} is not registered; call {call} first.";
        }
        if (!keyed.IsKeyedService(typeof(InboxRegistration), name))
        {
            return $"Herald's receiver{Describe(name)} has no inbox; call .UseSqliteInbox() (package Herald.Receiver.Sqlite) "
                + $"or .UsePostgresInbox() (package Herald.Receiver.Postgres) on what {call} returns.";
        }
        return null;
    }

    private static IWebhookInbox CreateStore(IServiceProvider services, string name) =>
        services.GetKeyedService<InboxRegistration>(name)?.CreateStore(services)
        ?? throw new InvalidOperationException(
            $"Herald's receiver{Describe(name)} has no inbox; call .UseSqliteInbox() (package Herald.Receiver.Sqlite) "
            + "or .UsePostgresInbox() (package Herald.Receiver.Postgres) on what AddHeraldReceiver returns.");

    private static ReceiverSettings Settings(IServiceProvider services, object? key) => services.GetRequiredKeyedService<ReceiverSettings>(key);

    private static IWebhookInbox Inbox(IServiceProvider services, object? key) => services.GetRequiredKeyedService<IWebhookInbox>(key);

    private static string Describe(string name) => ReceiverNames.Describe(name);

    private sealed class InboxRegistration(Func<IServiceProvider, IWebhookInbox> createStore)
    {
        public Func<IServiceProvider, IWebhookInbox> CreateStore { get; } = createStore;
    }
}
