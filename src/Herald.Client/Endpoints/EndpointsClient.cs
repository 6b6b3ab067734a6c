using Herald.Client.Http;
using static Herald.Client.Http.ApiPath;

namespace Herald.Client;

/// <summary>An application's endpoints: the URLs its messages are delivered to. Ids or uids are accepted throughout.</summary>
public sealed partial class EndpointsClient
{
    private readonly ApiTransport _api;

    internal EndpointsClient(ApiTransport api) => _api = api;

    /// <summary>The application's endpoints, fetched page by page as the enumeration goes on.</summary>
    public IAsyncEnumerable<EndpointOut> ListAsync(string appId, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync(Path(appId), new QueryString(), options, ClientJsonContext.Default.ListResponseEndpointOut, cancellationToken);

    /// <summary>Adds an endpoint to the application; with <paramref name="idempotencyKey"/>, a retried call returns the first answer instead of creating a second one.</summary>
    public Task<EndpointOut> CreateAsync(string appId, EndpointIn endpoint, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(appId), endpoint, ClientJsonContext.Default.EndpointIn, ClientJsonContext.Default.EndpointOut, idempotencyKey, cancellationToken);

    /// <summary>The endpoint, by Herald's id or your uid.</summary>
    public Task<EndpointOut> GetAsync(string appId, string endpointId, CancellationToken cancellationToken = default) =>
        _api.GetAsync(Path(appId, endpointId), ClientJsonContext.Default.EndpointOut, cancellationToken);

    /// <summary>Replaces the endpoint's settings (PUT); creates it, with <paramref name="endpointId"/> as its uid, when it does not exist.</summary>
    public Task<EndpointOut> UpdateAsync(string appId, string endpointId, EndpointIn endpoint, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, Path(appId, endpointId), endpoint, ClientJsonContext.Default.EndpointIn, ClientJsonContext.Default.EndpointOut, null, cancellationToken);

    /// <summary>Deletes the endpoint; nothing more is sent to it.</summary>
    public Task DeleteAsync(string appId, string endpointId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, Path(appId, endpointId), null, cancellationToken);

    /// <summary>Delivery counts by status, for messages in the window (all time when both are null).</summary>
    public Task<EndpointStatsOut> GetStatsAsync(string appId, string endpointId, DateTimeOffset? since = null, DateTimeOffset? until = null, CancellationToken cancellationToken = default) =>
        _api.GetAsync(Path(appId, endpointId) + "/stats" + new QueryString().Add("since", since).Add("until", until),
            ClientJsonContext.Default.EndpointStatsOut, cancellationToken);

    /// <summary>Sends again every message of the window whose delivery to this endpoint failed.</summary>
    public Task<BackgroundTaskOut> RecoverAsync(string appId, string endpointId, RecoverIn window, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(appId, endpointId) + "/recover", window, ClientJsonContext.Default.RecoverIn, ClientJsonContext.Default.BackgroundTaskOut, idempotencyKey, cancellationToken);

    /// <summary>Sends the messages of the window that were never attempted to this endpoint (e.g. sent while it was filtered out).</summary>
    public Task<BackgroundTaskOut> ReplayMissingAsync(string appId, string endpointId, ReplayIn window, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(appId, endpointId) + "/replay-missing", window, ClientJsonContext.Default.ReplayIn, ClientJsonContext.Default.BackgroundTaskOut, idempotencyKey, cancellationToken);

    /// <summary>Sends an example of <paramref name="eventType"/> (its schema's first example) to this endpoint only.</summary>
    public Task<MessageOut> SendExampleAsync(string appId, string endpointId, string eventType, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Path(appId, endpointId) + "/send-example", new EventExampleIn(eventType), ClientJsonContext.Default.EventExampleIn, ClientJsonContext.Default.MessageOut, idempotencyKey, cancellationToken);

    private static string Path(string appId) => $"{Root}app/{Id(appId)}/endpoint";

    private static string Path(string appId, string endpointId) => $"{Root}app/{Id(appId)}/endpoint/{Id(endpointId)}";
}

internal sealed record EventExampleIn(string EventType);
