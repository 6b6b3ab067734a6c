namespace Checkout.Store;

/// <summary>
/// What the store's backend is told at start: its provider, its webhook secret (from the provider's onboarding), its
/// data folder, and the mailbox (its SMTP server, and its pages for the order page's link to the received e-mail).
/// </summary>
internal sealed record StoreLinks(Uri ProviderUrl, string WebhookSecret, string DataDirectory, System.Net.IPEndPoint SmtpEndPoint, Uri MailboxUrl);

/// <summary>The store's timings and the confirmation's sender.</summary>
internal sealed record StoreOptions(
    TimeSpan PollingInterval, TimeSpan PollingGiveUpAfter, TimeSpan FulfilmentStepDelay,
    IReadOnlyList<TimeSpan> HeraldRetrySchedule, string MailFrom);

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
