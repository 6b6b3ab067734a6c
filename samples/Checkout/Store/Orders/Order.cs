using System.Text.Json.Serialization;

namespace Checkout.Store.Orders;

/// <summary>How the backend learns that a payment finished: the three approaches being compared.</summary>
internal enum Approach
{
    Webhook,
    Polling,
    AppReport,
}

internal enum OrderStatus
{
    Pending,
    Paid,
    Shipped,
    EmailSent,
    PaymentFailed,
}

/// <summary>What the order's own channel learned of its payment: which payment, how it ended, from whom and when.</summary>
internal sealed record PaymentOutcome(string PaymentId, bool Succeeded, Approach LearnedBy, DateTimeOffset LearnedAt);

internal sealed record Shipment(string TrackingNumber, string Carrier, DateTimeOffset CreatedAt);

internal sealed record StatusChange(OrderStatus Status, DateTimeOffset At);

/// <summary>
/// An order and what was measured about it, as a row of <c>store.db</c> holds it. Mutable only between
/// <see cref="OrderBook"/> reading it and writing it back under its lock.
/// </summary>
internal sealed class Order
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Method { get; init; }
    public required Approach Approach { get; init; }
    public required string Email { get; init; }
    [JsonIgnore]
    public long Total => Cart.Total;
    public string? PaymentId { get; set; }
    public OrderStatus Status { get; set; }
    public List<StatusChange> History { get; init; } = [];
    public Shipment? Shipment { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>The Message-Id of the confirmation, set once the mailbox's SMTP server has accepted it.</summary>
    public string? EmailMessageId { get; set; }

    /// <summary>When the provider says the payment finished, from whichever channel told first.</summary>
    public DateTimeOffset? ProviderCompletedAt { get; set; }

    /// <summary>When each channel first learned the outcome (a channel may learn about an order of another approach).</summary>
    public Dictionary<Approach, DateTimeOffset> LearnedAt { get; init; } = [];

    /// <summary>Requests the polling and app-report channels made; webhook requests are counted by the gate.</summary>
    public Dictionary<Approach, int> Requests { get; init; } = [];

    /// <summary>Set once, when the order's own approach learns the outcome (the news that moved its status).</summary>
    public PaymentOutcome? Outcome { get; set; }

    /// <summary>Herald's message id (<c>webhook-id</c>) of the provider's webhook about this order, and when it arrived.</summary>
    public string? WebhookMessageId { get; set; }
    public DateTimeOffset? WebhookReceivedAt { get; set; }
    public int WebhookHandlerRuns { get; set; }
}
