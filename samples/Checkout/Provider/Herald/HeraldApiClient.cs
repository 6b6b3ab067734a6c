using System.Net.Http.Json;

namespace Checkout.Provider.Herald;

/// <summary>A typed client for the few Herald API calls the provider makes.</summary>
internal sealed class HeraldApiClient(HttpClient http)
{
    private static ProviderJsonContext Json => ProviderJsonContext.Default;

    /// <summary>PUT upserts, so registering again after a restart is harmless.</summary>
    public async Task EnsureApplicationAsync(string uid, string name, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync($"app/{uid}", new HeraldApplicationIn(name, uid), Json.HeraldApplicationIn, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task EnsureEventTypeAsync(string name, string description, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync($"event-type/{name}", new HeraldEventTypeIn(name, description), Json.HeraldEventTypeIn, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<string> EnsureEndpointAsync(string appUid, HeraldEndpointIn endpoint, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync($"app/{appUid}/endpoint/{endpoint.Uid}", endpoint, Json.HeraldEndpointIn, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(Json.HeraldIdOut, cancellationToken))!.Id;
    }

    public async Task<string> GetEndpointSecretAsync(string appUid, string endpointId, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync($"app/{appUid}/endpoint/{endpointId}/secret", Json.HeraldSecretOut, cancellationToken))!.Key;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Herald answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }
}
