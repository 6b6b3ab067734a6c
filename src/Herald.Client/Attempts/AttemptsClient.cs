using Herald.Client.Http;
using static Herald.Client.Http.ApiPath;

namespace Herald.Client;

/// <summary>Delivery attempts, where each message stands at each endpoint, and resending.</summary>
public sealed class AttemptsClient
{
    private readonly ApiTransport _api;

    internal AttemptsClient(ApiTransport api) => _api = api;

    /// <summary>The attempts to deliver one message, newest first.</summary>
    public IAsyncEnumerable<MessageAttemptOut> ListByMessageAsync(string appId, string messageId, AttemptListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync($"{Root}app/{Id(appId)}/attempt/msg/{Id(messageId)}", Filter(options).Add("endpoint_id", options?.EndpointId),
            options, ClientJsonContext.Default.ListResponseMessageAttemptOut, cancellationToken);

    /// <summary>The attempts made to one endpoint, newest first.</summary>
    public IAsyncEnumerable<MessageAttemptOut> ListByEndpointAsync(string appId, string endpointId, AttemptListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync($"{Root}app/{Id(appId)}/attempt/endpoint/{Id(endpointId)}", Filter(options),
            options, ClientJsonContext.Default.ListResponseMessageAttemptOut, cancellationToken);

    /// <summary>One attempt of a message, by its <c>atmpt_…</c> id.</summary>
    public Task<MessageAttemptOut> GetAsync(string appId, string messageId, string attemptId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Root}app/{Id(appId)}/msg/{Id(messageId)}/attempt/{Id(attemptId)}", ClientJsonContext.Default.MessageAttemptOut, cancellationToken);

    /// <summary>The endpoints a message was meant for, each with where its delivery stands.</summary>
    public IAsyncEnumerable<MessageEndpointOut> ListAttemptedDestinationsAsync(string appId, string messageId, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync($"{Root}app/{Id(appId)}/msg/{Id(messageId)}/endpoint", new QueryString(),
            options, ClientJsonContext.Default.ListResponseMessageEndpointOut, cancellationToken);

    /// <summary>The messages sent to one endpoint, each with where its delivery stands.</summary>
    public IAsyncEnumerable<EndpointMessageOut> ListAttemptedMessagesAsync(string appId, string endpointId, AttemptListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync($"{Root}app/{Id(appId)}/endpoint/{Id(endpointId)}/msg", Filter(options),
            options, ClientJsonContext.Default.ListResponseEndpointMessageOut, cancellationToken);

    /// <summary>Delivers the message to the endpoint once more, now.</summary>
    public Task ResendAsync(string appId, string messageId, string endpointId, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, $"{Root}app/{Id(appId)}/msg/{Id(messageId)}/endpoint/{Id(endpointId)}/resend", idempotencyKey, cancellationToken);

    private static QueryString Filter(AttemptListOptions? options) => new QueryString()
        .Add("status", options?.Status is { } s ? (int)s : null)
        .Add("status_code_class", options?.StatusCodeClass)
        .Add("channel", options?.Channel)
        .Add("event_types", options?.EventTypes)
        .Add("before", options?.Before)
        .Add("after", options?.After)
        .Add("with_content", options?.WithContent);
}
