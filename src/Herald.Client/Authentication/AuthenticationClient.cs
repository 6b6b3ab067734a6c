using Herald.Client.Http;
using static Herald.Client.Http.ApiPath;

namespace Herald.Client;

/// <summary>Consumer portal access: links that let your customers manage their own endpoints.</summary>
public sealed class AuthenticationClient
{
    private readonly ApiTransport _api;

    internal AuthenticationClient(ApiTransport api) => _api = api;

    /// <summary>A link to the consumer portal where your customer manages the application's endpoints and sees its messages.</summary>
    public Task<AppPortalAccessOut> AppPortalAccessAsync(string appId, AppPortalAccessIn? access = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"{Root}auth/app-portal-access/{Id(appId)}", access ?? new AppPortalAccessIn(),
            ClientJsonContext.Default.AppPortalAccessIn, ClientJsonContext.Default.AppPortalAccessOut, idempotencyKey, cancellationToken);
}
