namespace Checkout.Provider;

/// <summary>What the provider is told about its surroundings at start: Herald, and the folder of its own database.</summary>
internal sealed record ProviderLinks(Uri HeraldUrl, string DataDirectory);

/// <summary>The provider's own behaviour settings.</summary>
internal sealed record ProviderOptions(TimeSpan ReturnDelay);
