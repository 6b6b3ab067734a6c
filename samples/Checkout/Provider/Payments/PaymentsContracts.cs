namespace Checkout.Provider.Payments;

/// <summary>A merchant asks for a payment; amounts are in minor units (cents).</summary>
internal sealed record CreatePaymentRequest(string OrderId, long Amount, string Currency, string Method, Uri ReturnUrl);

internal sealed record CreatePaymentResponse(string PaymentId, Uri PaymentUrl);

/// <summary>What <c>GET /api/payments/{id}</c> answers: the status the polling alternative asks for.</summary>
internal sealed record PaymentStatusResponse(
    string PaymentId, string OrderId, string Status, long Amount, string Currency, DateTimeOffset? CompletedAt, string? DeclineReason);

/// <summary>The <c>data</c> of <c>payment.succeeded</c> and <c>payment.failed</c>.</summary>
internal sealed record PaymentEventData(
    string OrderId, string PaymentId, long Amount, string Currency, DateTimeOffset CompletedAt, string? DeclineReason);
