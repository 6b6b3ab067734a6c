using Herald.Breakers;

namespace Herald.Storage.Queue;

/// <summary>
/// The delivery queue, as the dispatcher sees it: claim due deliveries under a lease, pass open circuit breakers,
/// write results back, hand back what was not sent, and say when the next delivery falls due. Metrics read its size.
/// </summary>
public interface IDeliveryQueue
{
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

    /// <summary>
    /// The earliest time, at or after <paramref name="from"/>, at which some delivery becomes due, or null when none
    /// does; the deliveries of an endpoint whose circuit breaker is open become due at its probe time. What was due
    /// before <paramref name="from"/> is not looked at: a dispatcher passes its clock, since whatever is due already
    /// and still queued waits for capacity or a probe, not for time, and so the read stays one short index walk
    /// however long a held endpoint's backlog is.
    /// </summary>
    Task<DateTimeOffset?> NextDueAtAsync(DateTimeOffset from, CancellationToken cancellationToken);

    /// <summary>
    /// Writes attempts and the deliveries' new state; updates endpoint health, disabling as results demand, and each
    /// endpoint's circuit breaker (see <see cref="DeliveryResult.Breaker"/>) in the same transaction. While a breaker
    /// is open and its probe not due, claims leave the endpoint's deliveries alone (none is rewritten, however many
    /// wait); closing makes all of them due now, retries waiting for later included.
    /// A result whose lease token is no longer current (the delivery was claimed again) stores its attempt, since the
    /// request was made, but leaves the delivery's state alone; an attempt of a delivery that no longer exists is dropped.
    /// Returns the endpoints this call disabled and the breakers that are open or that it closed.
    /// </summary>
    Task<RecordedResults> RecordResultsAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken);

    /// <summary>
    /// Decides, for claimed deliveries whose endpoint's breaker was open, which may be sent: per endpoint, all of them
    /// if the breaker has closed meanwhile; else, when its probe is due, the first becomes the probe (the next probe
    /// moves to <c>now + probeLease</c>, so across all nodes only one is sent), and every other one is handed back to
    /// pending, due as before, with no attempt counted (claims give an open endpoint whose probe is due one delivery,
    /// so there are few). Results are in the order of <paramref name="deliveries"/>.
    /// </summary>
    Task<IReadOnlyList<BreakerPass>> PassBreakersAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset now, TimeSpan probeLease, CancellationToken cancellationToken);

    /// <summary>Counts the queue (pending and sending deliveries), finds the oldest due one and counts open breakers; read by metrics.</summary>
    Task<QueueStats> GetQueueStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Returns claimed but unsent deliveries to pending, due at <paramref name="dueAt"/>; a delivery claimed again
    /// since (its <see cref="DueDelivery.LeaseToken"/> no longer current) is left to its new holder.
    /// </summary>
    Task ReleaseAsync(IReadOnlyList<DueDelivery> deliveries, DateTimeOffset dueAt, CancellationToken cancellationToken);
}
