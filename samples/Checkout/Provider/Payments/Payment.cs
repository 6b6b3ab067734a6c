namespace Checkout.Provider.Payments;

internal enum PaymentMethod
{
    Card,
    Wallet,
}

internal enum PaymentStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>One payment as the provider keeps it. Immutable; the ledger swaps versions.</summary>
internal sealed record Payment
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required PaymentMethod Method { get; init; }
    public required Uri ReturnUrl { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public PaymentStatus Status { get; init; } = PaymentStatus.Pending;
    public DateTimeOffset? CompletedAt { get; init; }
    public string? DeclineReason { get; init; }
}
