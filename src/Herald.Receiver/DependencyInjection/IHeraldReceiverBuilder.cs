namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// One webhook receiver being set up, as returned by <c>AddHeraldReceiver(…)</c>: choose its inbox
/// (<c>UseSqliteInbox()</c>, <c>UsePostgresInbox(…)</c>) and add its handlers (<c>AddHandler&lt;TPayload, THandler&gt;(…)</c>).
/// </summary>
public interface IHeraldReceiverBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// The receiver's name: empty for the unnamed receiver, else the name given to <c>AddHeraldReceiver</c> and
    /// <c>MapHeraldWebhooks</c>. It is also the name of its <c>HeraldReceiverOptions</c> and the key of its keyed services
    /// (<c>[FromKeyedServices(name)] IWebhookInbox</c>).
    /// </summary>
    string Name { get; }
}
