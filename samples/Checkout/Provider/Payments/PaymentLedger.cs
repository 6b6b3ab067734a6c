using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Checkout.Provider.Payments;

/// <summary>The provider's payments, in memory: created by merchants, completed once by the shopper.</summary>
internal sealed class PaymentLedger(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Payment> _payments = new(StringComparer.Ordinal);

    public Payment Create(string orderId, long amount, string currency, PaymentMethod method, Uri returnUrl)
    {
        var payment = new Payment
        {
            Id = "pay_" + RandomNumberGenerator.GetHexString(16, lowercase: true),
            OrderId = orderId,
            Amount = amount,
            Currency = currency,
            Method = method,
            ReturnUrl = returnUrl,
            CreatedAt = time.GetUtcNow(),
        };
        _payments[payment.Id] = payment;
        return payment;
    }

    public Payment? Find(string id) => _payments.GetValueOrDefault(id);

    /// <summary>Finishes a pending payment; null when it is unknown or already finished (a double submit).</summary>
    public Payment? TryComplete(string id, string? declineReason)
    {
        while (_payments.TryGetValue(id, out var current) && current.Status == PaymentStatus.Pending)
        {
            var done = current with
            {
                Status = declineReason is null ? PaymentStatus.Succeeded : PaymentStatus.Failed,
                DeclineReason = declineReason,
                CompletedAt = time.GetUtcNow(),
            };
            if (_payments.TryUpdate(id, done, current))
            {
                return done;
            }
        }
        return null;
    }
}
