namespace Checkout.Provider;

/// <summary>What the provider is told about its surroundings at start.</summary>
internal sealed record ProviderLinks(Uri HeraldUrl);

/// <summary>The provider's own behaviour settings.</summary>
internal sealed record ProviderOptions(TimeSpan ReturnDelay);
