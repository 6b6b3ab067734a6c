using Microsoft.Extensions.Configuration;

namespace Herald.Receiver.DependencyInjection;

/// <summary>
/// The configuration section a receiver was bound from, so that validation can name the keys to fix
/// (<c>Herald:Receiver:Secrets</c>, <c>Webhooks:Stripe:Secrets</c>, …) and catch keys Herald no longer reads.
/// </summary>
internal sealed class ReceiverConfiguration(string name, IConfiguration configuration)
{
    /// <summary>The key, removed in 0.2, that once chose the inbox; now chosen in code.</summary>
    public const string RemovedProviderKey = "Inbox:Provider";

    public string Name { get; } = name;

    public IConfiguration Configuration { get; } = configuration;

    /// <summary>The section's path followed by a colon (<c>Herald:Receiver:</c>); empty for a configuration root.</summary>
    public string Prefix => Configuration is IConfigurationSection { Path: { Length: > 0 } path } ? path + ":" : "";
}
