using Checkout.Store.Fulfilment;
using Checkout.Store.Orders;

namespace Checkout.Store.Payments;

/// <summary>Where every channel's news of a payment arrives; a newly paid order goes to fulfilment, exactly once.</summary>
internal sealed partial class PaymentIntake(OrderBook orders, FulfilmentQueue fulfilment, ILogger<PaymentIntake> logger)
{
    public async Task<LearnResult> AcceptAsync(PaymentNews news, Approach channel, CancellationToken cancellationToken)
    {
        var result = orders.Learn(news, channel);
        Learned(logger, Names.Of(channel), news.OrderId, news.PaymentId, result);
        if (result == LearnResult.MarkedPaid)
        {
            await fulfilment.EnqueueAsync(news.OrderId, cancellationToken);
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Channel} channel reported payment {PaymentId} of order {OrderId}: {Result}")]
    private static partial void Learned(ILogger logger, string channel, string orderId, string paymentId, LearnResult result);
}
