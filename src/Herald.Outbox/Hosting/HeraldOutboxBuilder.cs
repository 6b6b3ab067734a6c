using Herald.Outbox;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddHeraldOutbox</c>, to configure the outbox further.</summary>
public sealed class HeraldOutboxBuilder
{
    internal HeraldOutboxBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services, for registrations of its own beside the outbox.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Changes options after binding, e.g. from code that knows the connection string only at run time.</summary>
    public HeraldOutboxBuilder Configure(Action<HeraldOutboxOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
