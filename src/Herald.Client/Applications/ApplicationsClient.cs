using Herald.Client.Http;
using static Herald.Client.Http.ApiPath;

namespace Herald.Client;

/// <summary>Applications: one per customer (tenant) of yours. Every <c>appId</c> parameter takes the id or your uid.</summary>
public sealed class ApplicationsClient
{
    private readonly ApiTransport _api;

    internal ApplicationsClient(ApiTransport api) => _api = api;

    /// <summary>Every application, fetched page by page as the enumeration goes on.</summary>
    public IAsyncEnumerable<ApplicationOut> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync(Root + "app", new QueryString(), options, ClientJsonContext.Default.ListResponseApplicationOut, cancellationToken);

    /// <summary>Creates an application; with <paramref name="idempotencyKey"/>, a retried call returns the first answer instead of creating a second one.</summary>
    public Task<ApplicationOut> CreateAsync(ApplicationIn application, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Root + "app", application, ClientJsonContext.Default.ApplicationIn, ClientJsonContext.Default.ApplicationOut, idempotencyKey, cancellationToken);

    /// <summary>The application whose <see cref="ApplicationIn.Uid"/> is given, created from <paramref name="application"/> if there is none yet.</summary>
    public Task<ApplicationOut> GetOrCreateAsync(ApplicationIn application, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentException.ThrowIfNullOrEmpty(application.Uid, "application.Uid");
        return _api.SendAsync(HttpMethod.Post, Root + "app?get_if_exists=true", application, ClientJsonContext.Default.ApplicationIn, ClientJsonContext.Default.ApplicationOut, idempotencyKey, cancellationToken);
    }

    /// <summary>The application, by Herald's id or your uid; a <see cref="HeraldApiException"/> with 404 when there is none.</summary>
    public Task<ApplicationOut> GetAsync(string appId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Root}app/{Id(appId)}", ClientJsonContext.Default.ApplicationOut, cancellationToken);

    /// <summary>Replaces the application's settings (PUT); creates it, with <paramref name="appId"/> as its uid, when it does not exist.</summary>
    public Task<ApplicationOut> UpdateAsync(string appId, ApplicationIn application, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, $"{Root}app/{Id(appId)}", application, ClientJsonContext.Default.ApplicationIn, ClientJsonContext.Default.ApplicationOut, null, cancellationToken);

    /// <summary>Deletes the application.</summary>
    public Task DeleteAsync(string appId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"{Root}app/{Id(appId)}", null, cancellationToken);
}
