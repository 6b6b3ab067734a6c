using Herald.Receiver;
using Herald.Receiver.DependencyInjection;
using Herald.Receiver.Handlers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Handlers and the inbox of a receiver.</summary>
public static class HeraldReceiverBuilderExtensions
{
    /// <summary>
    /// Runs <typeparamref name="THandler"/> for this receiver's webhooks whose payload <c>type</c> is <paramref name="eventType"/>
    /// (<c>"*"</c>: every message no other handler takes), with <typeparamref name="TPayload"/> read from the payload's
    /// <c>data</c> (or the whole body when it has none). The handler is resolved from a fresh DI scope for each attempt.
    /// </summary>
    public static IHeraldReceiverBuilder AddHandler<TPayload, THandler>(this IHeraldReceiverBuilder builder, string eventType)
        where THandler : class, IWebhookHandler<TPayload>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddKeyedSingleton<IWebhookHandlerInvoker>(builder.Name, new WebhookHandlerInvoker<TPayload, THandler>(eventType));
        return builder;
    }

    /// <summary>
    /// Keeps this receiver's messages in the inbox <paramref name="createStore"/> makes, once, when the receiver starts.
    /// <c>UseSqliteInbox()</c> and <c>UsePostgresInbox(…)</c> are built on this; an inbox of another database implements
    /// <see cref="IWebhookInbox"/> (for SQL, derive from <see cref="Herald.Receiver.Inbox.RelationalWebhookInbox"/>) and passes
    /// the same compliance tests. The receiver disposes the store when the app stops.
    /// </summary>
    public static IHeraldReceiverBuilder UseInbox(this IHeraldReceiverBuilder builder, Func<IServiceProvider, IWebhookInbox> createStore)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(createStore);
        ReceiverServices.SetInbox(builder.Services, builder.Name, createStore);
        return builder;
    }
}
