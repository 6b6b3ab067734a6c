namespace Checkout.Store.Orders;

internal sealed record CartView(IReadOnlyList<CartLine> Lines, long Fees, long Total, string Currency);

internal sealed record PlaceOrderRequest(string? Method, string? Approach, string? Email);

internal sealed record PlaceOrderResponse(string OrderId, string PaymentId, Uri PaymentUrl);

internal sealed record StatusChangeView(string Status, DateTimeOffset At);

internal sealed record ShipmentView(string TrackingNumber, string Carrier);

/// <summary>"Payment pay_… for order ord_… succeeded", and how the store learned it.</summary>
internal sealed record PaymentOutcomeView(string PaymentId, string Result, string LearnedBy, DateTimeOffset LearnedAt);

/// <summary>The provider's webhook about the order as it reached the store: Herald's message id and when it arrived.</summary>
internal sealed record WebhookView(string MessageId, DateTimeOffset ReceivedAt);

/// <summary>The order as the page and the tests see it.</summary>
internal sealed record OrderView(
    string Id, string Status, string Method, string Approach, string Email, long Total, string Currency, string? PaymentId,
    IReadOnlyList<StatusChangeView> History, ShipmentView? Shipment, string? EmailUrl, string? FailureReason, int WebhookHandlerRuns,
    PaymentOutcomeView? Payment, WebhookView? Webhook)
{
    public static OrderView From(Order o) => new(
        o.Id, Names.Of(o.Status), o.Method, Names.Of(o.Approach), o.Email, o.Total, Cart.Currency, o.PaymentId,
        o.History.Select(h => new StatusChangeView(Names.Of(h.Status), h.At)).ToList(),
        o.Shipment is { } s ? new ShipmentView(s.TrackingNumber, s.Carrier) : null,
        o.EmailMessageId is not null ? $"/orders/{o.Id}/email" : null, o.FailureReason, o.WebhookHandlerRuns,
        o.Outcome is { } p ? new PaymentOutcomeView(p.PaymentId, p.Succeeded ? "succeeded" : "failed", Names.Of(p.LearnedBy), p.LearnedAt) : null,
        o.WebhookMessageId is { } id && o.WebhookReceivedAt is { } at ? new WebhookView(id, at) : null);
}

/// <summary>The words the page shows and the API speaks.</summary>
internal static class Names
{
    public static string Of(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.Paid => "paid",
        OrderStatus.Shipped => "shipped",
        OrderStatus.EmailSent => "email sent",
        _ => "payment failed",
    };

    public static string Of(Approach approach) => approach switch
    {
        Approach.Webhook => "webhook",
        Approach.Polling => "polling",
        _ => "app-report",
    };

    public static Approach? ParseApproach(string? value) => value switch
    {
        null or "" or "webhook" => Approach.Webhook,
        "polling" => Approach.Polling,
        "app-report" => Approach.AppReport,
        _ => null,
    };
}
