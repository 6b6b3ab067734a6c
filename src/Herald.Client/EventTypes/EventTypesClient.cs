using Herald.Client.Http;
using static Herald.Client.Http.ApiPath;

namespace Herald.Client;

/// <summary>The kinds of event your applications send (<c>payment.succeeded</c>); shared by all applications.</summary>
public sealed class EventTypesClient
{
    private readonly ApiTransport _api;

    internal EventTypesClient(ApiTransport api) => _api = api;

    /// <summary>The event types, without archived ones or schemas unless <paramref name="options"/> asks for them.</summary>
    public IAsyncEnumerable<EventTypeOut> ListAsync(EventTypeListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync(Root + "event-type",
            new QueryString().Add("include_archived", options?.IncludeArchived).Add("with_content", options?.WithContent),
            options, ClientJsonContext.Default.ListResponseEventTypeOut, cancellationToken);

    /// <summary>Creates an event type; with <paramref name="idempotencyKey"/>, a retried call returns the first answer instead of creating a second one.</summary>
    public Task<EventTypeOut> CreateAsync(EventTypeIn eventType, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, Root + "event-type", eventType, ClientJsonContext.Default.EventTypeIn, ClientJsonContext.Default.EventTypeOut, idempotencyKey, cancellationToken);

    /// <summary>The event type of this name.</summary>
    public Task<EventTypeOut> GetAsync(string name, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Root}event-type/{Id(name)}", ClientJsonContext.Default.EventTypeOut, cancellationToken);

    /// <summary>Replaces the event type's description, flags and schemas (PUT); creates it when it does not exist.</summary>
    public Task<EventTypeOut> UpdateAsync(string name, EventTypeIn eventType, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Put, $"{Root}event-type/{Id(name)}", eventType, ClientJsonContext.Default.EventTypeIn, ClientJsonContext.Default.EventTypeOut, null, cancellationToken);

    /// <summary>Archives the event type, or removes it for good with <paramref name="expunge"/>.</summary>
    public Task DeleteAsync(string name, bool expunge = false, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, $"{Root}event-type/{Id(name)}{(expunge ? "?expunge=true" : "")}", null, cancellationToken);
}
