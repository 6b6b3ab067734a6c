using Herald.Client.Http;
using static Herald.Client.Http.ApiPath;

namespace Herald.Client;

/// <summary>Messages: the events an application sends, fanned out to its endpoints.</summary>
public sealed class MessagesClient
{
    private readonly ApiTransport _api;

    internal MessagesClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Sends a message. The call carries <paramref name="idempotencyKey"/> (a new one when null) through all its
    /// retries; give your own, derived from your record of the event, to make repeats of the same send harmless
    /// across calls and restarts too.
    /// </summary>
    public Task<MessageOut> CreateAsync(string appId, MessageIn message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Payload.ValueKind == System.Text.Json.JsonValueKind.Undefined)
        {
            throw new ArgumentException("The message needs a payload (a JSON object).", nameof(message));
        }
        return _api.SendAsync(HttpMethod.Post, Path(appId), message, ClientJsonContext.Default.MessageIn, ClientJsonContext.Default.MessageOut, idempotencyKey, cancellationToken);
    }

    /// <summary>One message, with its payload unless <paramref name="withContent"/> is false.</summary>
    public Task<MessageOut> GetAsync(string appId, string messageId, bool withContent = true, CancellationToken cancellationToken = default) =>
        _api.GetAsync(Path(appId, messageId) + (withContent ? "" : "?with_content=false"), ClientJsonContext.Default.MessageOut, cancellationToken);

    /// <summary>The application's messages, newest first unless <see cref="ListOptions.Order"/> says otherwise.</summary>
    public IAsyncEnumerable<MessageOut> ListAsync(string appId, MessageListOptions? options = null, CancellationToken cancellationToken = default) =>
        _api.ListAsync(Path(appId), Filter(options), options, ClientJsonContext.Default.ListResponseMessageOut, cancellationToken);

    /// <summary>Deletes the message's payload, keeping the message and its attempts.</summary>
    public Task ExpungeContentAsync(string appId, string messageId, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Delete, Path(appId, messageId) + "/content", null, cancellationToken);

    private static QueryString Filter(MessageListOptions? options) => new QueryString()
        .Add("channel", options?.Channel)
        .Add("event_types", options?.EventTypes)
        .Add("before", options?.Before)
        .Add("after", options?.After)
        .Add("with_content", options?.WithContent);

    private static string Path(string appId) => $"{Root}app/{Id(appId)}/msg";

    private static string Path(string appId, string messageId) => $"{Root}app/{Id(appId)}/msg/{Id(messageId)}";
}
