using Herald.Model;
using Herald.Storage.Queue;

namespace Herald.Storage;

/// <summary>
/// Messages: storing one fans it out to its endpoints' deliveries in the same transaction; reading and listing them
/// with their destinations; resending one.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Stores the message and, in the same transaction, one pending delivery per enabled endpoint of the
    /// application whose filters accept it (only <paramref name="onlyEndpointId"/> when given).
    /// Returns the number of deliveries created.
    /// </summary>
    Task<int> CreateMessageAsync(Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="CreateMessageAsync"/>, but the deliveries are created already claimed by the caller until
    /// <c>message.CreatedAt + lease</c> and returned ready to send: the accepting node hands them straight to its
    /// dispatcher. Should it die first, the lease expires and any node claims them. Deliveries to ordered endpoints
    /// are never born claimed: they are queued behind their key and returned unclaimed, marked by their
    /// <see cref="DueDelivery.OrderingKey"/>, so that the caller knows to wake its claimer.
    /// </summary>
    Task<IReadOnlyList<DueDelivery>> CreateMessageClaimedAsync(Message message, DateTimeOffset? payloadExpiresAt, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="CreateMessageAsync(Message, DateTimeOffset?, string?, CancellationToken)"/> that also completes an idempotency
    /// key in the same transaction: the message and the answer that names it are stored together or not at all.
    /// Throws <see cref="IdempotencyClaimLostException"/> (storing nothing) when the claim is no longer held.
    /// </summary>
    Task<int> CreateMessageAsync(Message message, DateTimeOffset? payloadExpiresAt, string? onlyEndpointId, IdempotencyCompletion? idempotency, CancellationToken cancellationToken);

    /// <summary><see cref="CreateMessageClaimedAsync(Message, DateTimeOffset?, TimeSpan, CancellationToken)"/> completing an idempotency key in the same transaction.</summary>
    Task<IReadOnlyList<DueDelivery>> CreateMessageClaimedAsync(Message message, DateTimeOffset? payloadExpiresAt, TimeSpan lease, IdempotencyCompletion? idempotency, CancellationToken cancellationToken);

    Task<Message?> GetMessageAsync(string appId, string idOrEventId, CancellationToken cancellationToken);

    Task<Page<Message>> ListMessagesAsync(string appId, MessageQuery query, CancellationToken cancellationToken);

    Task<bool> ExpungeMessageContentAsync(string appId, string msgId, CancellationToken cancellationToken);

    Task<Page<MessageDestination>> ListMessageDestinationsAsync(string appId, string msgId, PageRequest page, CancellationToken cancellationToken);

    Task<Page<EndpointMessage>> ListEndpointMessagesAsync(string appId, string endpointId, MessageQuery query, CancellationToken cancellationToken);

    /// <summary>Queues a manual attempt of the message to the endpoint now; false when either is unknown.</summary>
    Task<bool> ResendAsync(string appId, string msgId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken);
}
