namespace Checkout.Provider.Herald;

/// <summary>
/// Onboards the merchant (the store) with Herald: its application, the event types it may receive, and its
/// webhook endpoint. Returns the endpoint's signing secret, which the merchant puts in its receiver's configuration.
/// </summary>
internal sealed class MerchantRegistration(HeraldApiClient herald)
{
    public const string AppUid = "chocolate-corner";
    public const string EndpointUid = "store-backend";
    public const string Succeeded = "payment.succeeded";
    public const string Failed = "payment.failed";

    public async Task<string> EnsureEndpointAsync(Uri webhookUrl, CancellationToken cancellationToken)
    {
        await herald.EnsureApplicationAsync(AppUid, "Chocolate Corner", cancellationToken);
        await herald.EnsureEventTypeAsync(Succeeded, "A payment was captured.", cancellationToken);
        await herald.EnsureEventTypeAsync(Failed, "A payment was declined.", cancellationToken);
        string endpointId = await herald.EnsureEndpointAsync(AppUid,
            new HeraldEndpointIn(webhookUrl, EndpointUid, "Chocolate Corner order backend", [Succeeded, Failed]), cancellationToken);
        return await herald.GetEndpointSecretAsync(AppUid, endpointId, cancellationToken);
    }
}
