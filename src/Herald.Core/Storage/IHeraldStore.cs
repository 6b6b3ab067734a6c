using Herald.Breakers;
using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// The single storage seam. Every store (SQLite, PostgreSQL) implements all of it and passes the
/// storage compliance suite. Writes that the API acknowledges are durable when the returned task completes.
/// Stores throw <see cref="DuplicateException"/> for unique-key conflicts and
/// <see cref="StoreUnavailableException"/> when the database cannot be reached.
/// </summary>
public interface IHeraldStore : IAsyncDisposable
{
    /// <summary>
    /// Creates or migrates the schema, then makes due at once the deliveries this node still held when it last
    /// stopped: on SQLite every delivery left sending (one process owns the file), on PostgreSQL those claimed under
    /// this node's identity.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Cheap round trip used by health checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Proves that the store can take a durable write now (readiness): a tiny write, and on a store with a size
    /// limit a look at the room left. Throws <see cref="StoreUnavailableException"/> whose reason names the cause.
    /// </summary>
    Task ProbeWriteAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateApplicationAsync(Application app, CancellationToken cancellationToken);
    Task<Application?> GetApplicationAsync(string idOrUid, CancellationToken cancellationToken);
    Task<Page<Application>> ListApplicationsAsync(PageRequest page, CancellationToken cancellationToken);
    Task UpdateApplicationAsync(Application app, CancellationToken cancellationToken);
    /// <summary>Deletes the application with its endpoints, messages, deliveries and attempts.</summary>
    Task<bool> DeleteApplicationAsync(string appId, CancellationToken cancellationToken);

    Task CreateEventTypeAsync(EventType eventType, CancellationToken cancellationToken);
    Task<EventType?> GetEventTypeAsync(string name, CancellationToken cancellationToken);
    Task<Page<EventType>> ListEventTypesAsync(PageRequest page, bool includeArchived, CancellationToken cancellationToken);
    Task UpdateEventTypeAsync(EventType eventType, CancellationToken cancellationToken);
    /// <summary>Archives the event type, or removes it when <paramref name="expunge"/> is set.</summary>
    Task<bool> DeleteEventTypeAsync(string name, bool expunge, DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken);
    Task<Endpoint?> GetEndpointAsync(string appId, string idOrUid, CancellationToken cancellationToken);
    Task<Page<Endpoint>> ListEndpointsAsync(string appId, PageRequest page, CancellationToken cancellationToken);
    /// <summary>Replaces the endpoint's mutable fields (url, filters, headers, secrets, state).</summary>
    Task UpdateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken);
    Task<bool> DeleteEndpointAsync(string appId, string endpointId, CancellationToken cancellationToken);
    Task<EndpointStats> GetEndpointStatsAsync(string appId, string endpointId, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken);
    /// <summary>Makes failed deliveries of the endpoint created in [since, until) due again; returns how many.</summary>
    Task<int> RecoverEndpointAsync(string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>
    /// Queues a manual attempt to the endpoint, due now, of every message of the application created in [since, until)
    /// that the endpoint's filters accept and that never reached it (no successful attempt, none being sent).
    /// Returns how many; none when the endpoint is disabled.
    /// </summary>
    Task<int> ReplayMissingAsync(string appId, string endpointId, DateTimeOffset since, DateTimeOffset? until, DateTimeOffset now, CancellationToken cancellationToken);

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
    /// <summary>
    /// The sequences of an ordered endpoint that are not moving (their head failed at least once, or holds its key
    /// after its last retry), oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<OrderingBlock>> ListOrderingBlocksAsync(string appId, string endpointId, int limit, CancellationToken cancellationToken);
    /// <summary>
    /// Gives up on the held heads of an ordered endpoint (of one key, or all when <paramref name="key"/> is null):
    /// they stay failed and the next message of each key becomes due. Returns how many were released.
    /// </summary>
    Task<int> SkipHeldAsync(string appId, string endpointId, string? key, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>Queues a manual attempt of the message to the endpoint now; false when either is unknown.</summary>
    Task<bool> ResendAsync(string appId, string msgId, string endpointId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Page<Attempt>> ListAttemptsAsync(string appId, AttemptQuery query, CancellationToken cancellationToken);
    Task<Attempt?> GetAttemptAsync(string appId, string msgId, string attemptId, CancellationToken cancellationToken);
    Task<bool> ExpungeAttemptContentAsync(string appId, string msgId, string attemptId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries (pending and due, or sending with an expired lease),
    /// marking them sending until <c>now + lease</c> under a new lease token and this node's identity.
    /// Deliveries of <paramref name="excludedEndpoints"/> are left alone.
    /// </summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, IReadOnlyCollection<string> excludedEndpoints, CancellationToken cancellationToken);
    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries as the other overload does, shared between applications:
    /// each claim starts with the application after the one the previous claim of this store began its turn at,
    /// offers every application with due work an equal share (its oldest due first attempts, then its retries),
    /// then gives what is left to those that had more. <paramref name="limits"/> caps each application and the retries.
    /// </summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, ClaimLimits limits, CancellationToken cancellationToken);
    /// <summary>The earliest time at which some delivery becomes due, or null when none is waiting.</summary>
    Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken);
    /// <summary>
    /// Writes attempts and the deliveries' new state; updates endpoint health, disabling as results demand, and each
    /// endpoint's circuit breaker (see <see cref="DeliveryResult.Breaker"/>) in the same transaction. Opening defers
    /// the endpoint's pending deliveries to the first probe; closing makes all of them due now.
    /// A result whose lease token is no longer current (the delivery was claimed again) stores its attempt, since the
    /// request was made, but leaves the delivery's state alone; an attempt of a delivery that no longer exists is dropped.
    /// Returns the endpoints this call disabled and the breakers that are open or that it closed.
    /// </summary>
    Task<RecordedResults> RecordResultsAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken);
    /// <summary>
    /// Decides, for claimed deliveries whose endpoint's breaker was open, which may be sent: per endpoint, all of them
    /// if the breaker has closed meanwhile; else, when its probe is due, the first becomes the probe (the next probe
    /// moves to <c>now + probeLease</c>, so across all nodes only one is sent), and every other one is handed back to
    /// pending with no attempt counted. The endpoint's held deliveries are parked for <paramref name="park"/> (the
    /// longest probe interval) except one that is due at the next probe, so that a failed probe rewrites one row and
    /// not the whole backlog. Results are in the order of <paramref name="deliveries"/>.
    /// </summary>
    Task<IReadOnlyList<BreakerPass>> PassBreakersAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset now, TimeSpan probeLease, TimeSpan park, CancellationToken cancellationToken);
    /// <summary>Counts the queue (pending and sending deliveries), finds the oldest due one and counts open breakers; read by metrics.</summary>
    Task<QueueStats> GetQueueStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>
    /// Returns claimed but unsent deliveries to pending, due at <paramref name="dueAt"/>; a delivery claimed again
    /// since (its <see cref="DueDelivery.LeaseToken"/> no longer current) is left to its new holder.
    /// </summary>
    Task ReleaseAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Housekeeping: drops payloads whose retention has passed and idempotency records older than
    /// <paramref name="idempotencyBefore"/>. Returns how many rows changed.
    /// </summary>
    Task<int> ExpireAsync(DateTimeOffset now, DateTimeOffset idempotencyBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: deletes the oldest messages created before <paramref name="before"/>, at most
    /// <paramref name="maxMessages"/> of them, with all their deliveries (whatever their state) and attempts, in one
    /// transaction. Fewer messages than asked means none older is left. A result written later for a deleted delivery
    /// stores nothing.
    /// </summary>
    Task<RetentionBatch> DeleteMessagesBeforeAsync(DateTimeOffset before, int maxMessages, CancellationToken cancellationToken);

    /// <summary>
    /// Claims an idempotency key (unique per <paramref name="key"/>, which the caller scopes) for a request with
    /// <paramref name="requestHash"/>, atomically across every node on the database. The key is claimed when it is
    /// new, when its response was stored before <paramref name="notBefore"/>, or when an earlier claim was never
    /// completed nor released within its <paramref name="timeout"/> (its holder died); otherwise the holder's state is
    /// returned: in progress, or completed with its response.
    /// </summary>
    Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string requestHash, DateTimeOffset now, DateTimeOffset notBefore, TimeSpan timeout, CancellationToken cancellationToken);
    /// <summary>Stores the response of a claimed key on its own (for requests that create no message); false when the claim is no longer held.</summary>
    Task<bool> CompleteIdempotencyKeyAsync(IdempotencyCompletion completion, CancellationToken cancellationToken);
    /// <summary>Gives up a claim that is still in progress under <paramref name="token"/> (the request failed), so the key can be used again.</summary>
    Task ReleaseIdempotencyKeyAsync(string key, string token, CancellationToken cancellationToken);

    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);
    /// <summary>Sets the value when the key is absent; returns the value now stored.</summary>
    Task<string> SetSettingIfAbsentAsync(string key, string value, CancellationToken cancellationToken);
}
