namespace Checkout.Store;

/// <summary>What the store's backend is told at start: its provider, its webhook secret (from the provider's onboarding) and its data folder.</summary>
internal sealed record StoreLinks(Uri ProviderUrl, string WebhookSecret, string DataDirectory);

/// <summary>The store's timings and mail settings.</summary>
internal sealed record StoreOptions(
    TimeSpan PollingInterval, TimeSpan PollingGiveUpAfter, TimeSpan FulfilmentStepDelay,
    IReadOnlyList<TimeSpan> HeraldRetrySchedule, Composition.SmtpSettings Smtp, string MailDirectory);

/// <summary>
/// The storefront's address, known only once it has started (after the backend): the backend needs it for the
/// shopper's return URL and to allow the page's cross-origin calls.
/// </summary>
internal sealed class StorefrontLink
{
    private volatile Uri? _url;

    public Uri Url => _url ?? throw new InvalidOperationException("The storefront has not started yet.");

    public void Set(Uri url) => _url = url;

    public bool Allows(string origin) =>
        _url is { } url && string.Equals(origin, url.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
