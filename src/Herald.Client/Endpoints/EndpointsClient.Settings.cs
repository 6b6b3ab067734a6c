namespace Herald.Client;

public sealed partial class EndpointsClient
{
    /// <summary>The endpoint's signing secret (<c>whsec_…</c>), which its receiver verifies with.</summary>
    public Task<EndpointSecretOut> GetSecretAsync(string appId, string endpointId, CancellationToken cancellationToken = default) =>
        _api.GetAsync(Path(appId, endpointId) + "/secret", ClientJsonContext.Default.EndpointSecretOut, cancellationToken);

    /// <summary>Replaces the signing secret (with a new random one when <see cref="EndpointSecretRotateIn.Key"/> is null).</summary>
    public Task RotateSecretAsync(string appId, string endpointId, EndpointSecretRotateIn? rotation = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(appId, endpointId) + "/secret/rotate", rotation ?? new EndpointSecretRotateIn(),
            ClientJsonContext.Default.EndpointSecretRotateIn, idempotencyKey, cancellationToken);

    /// <summary>The custom headers sent with every delivery; sensitive values are withheld.</summary>
    public Task<EndpointHeadersOut> GetHeadersAsync(string appId, string endpointId, CancellationToken cancellationToken = default) =>
        _api.GetAsync(Path(appId, endpointId) + "/headers", ClientJsonContext.Default.EndpointHeadersOut, cancellationToken);

    /// <summary>Replaces all the endpoint's custom headers.</summary>
    public Task UpdateHeadersAsync(string appId, string endpointId, EndpointHeadersIn headers, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, Path(appId, endpointId) + "/headers", headers, ClientJsonContext.Default.EndpointHeadersIn, null, cancellationToken);

    /// <summary>Sets some headers and removes others, keeping the rest.</summary>
    public Task PatchHeadersAsync(string appId, string endpointId, EndpointHeadersPatchIn headers, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Patch, Path(appId, endpointId) + "/headers", headers, ClientJsonContext.Default.EndpointHeadersPatchIn, null, cancellationToken);
}
