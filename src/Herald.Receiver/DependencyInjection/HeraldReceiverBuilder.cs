using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver.DependencyInjection;

internal sealed class HeraldReceiverBuilder(IServiceCollection services, string name) : IHeraldReceiverBuilder
{
    public IServiceCollection Services { get; } = services;

    public string Name { get; } = name;
}
