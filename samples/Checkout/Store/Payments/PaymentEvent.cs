using Checkout.Store.Orders;

namespace Checkout.Store.Payments;

/// <summary>The <c>data</c> of the provider's <c>payment.succeeded</c> and <c>payment.failed</c> webhooks.</summary>
internal sealed record PaymentEvent(string OrderId, string PaymentId, long Amount, string Currency, DateTimeOffset CompletedAt, string? DeclineReason)
{
    public PaymentNews ToNews(bool succeeded) => new(OrderId, PaymentId, succeeded, Amount, Currency, CompletedAt, DeclineReason);
}
