namespace Checkout.Store.Orders;

internal enum LearnResult
{
    UnknownOrder,
    PaymentMismatch,
    Recorded,
    AlreadyKnown,
    MarkedPaid,
    MarkedFailed,
}

/// <summary>A finished payment as any channel reports it.</summary>
internal sealed record PaymentNews(
    string OrderId, string PaymentId, bool Succeeded, long Amount, string Currency, DateTimeOffset CompletedAt, string? DeclineReason);

internal sealed partial class OrderBook
{
    /// <summary>
    /// Records that <paramref name="channel"/> learned of a finished payment. Only the order's own approach moves
    /// its status, and only once: a later or repeated report is recorded and changes nothing.
    /// </summary>
    public LearnResult Learn(PaymentNews news, Approach channel)
    {
        var now = time.GetUtcNow();
        var result = LearnResult.UnknownOrder;
        Change(news.OrderId, order =>
        {
            if (order.PaymentId != news.PaymentId)
            {
                result = LearnResult.PaymentMismatch;
                return;
            }
            order.ProviderCompletedAt ??= news.CompletedAt;
            order.LearnedAt.TryAdd(channel, now);
            result = channel != order.Approach ? LearnResult.Recorded
                : order.Status != OrderStatus.Pending ? LearnResult.AlreadyKnown
                : !news.Succeeded ? Fail(order, news.DeclineReason ?? "The payment was declined.")
                : news.Amount != order.Total || news.Currency != Cart.Currency ? Fail(order, "The paid amount does not match the order.")
                : Pay(order);
        });
        return result;

        LearnResult Pay(Order order)
        {
            order.Outcome = new PaymentOutcome(news.PaymentId, Succeeded: true, channel, now);
            Advance(order, OrderStatus.Paid);
            return LearnResult.MarkedPaid;
        }

        LearnResult Fail(Order order, string reason)
        {
            order.Outcome = new PaymentOutcome(news.PaymentId, Succeeded: false, channel, now);
            order.FailureReason = reason;
            Advance(order, OrderStatus.PaymentFailed);
            return LearnResult.MarkedFailed;
        }
    }

    /// <summary>Polling-approach orders whose outcome the poller has not learned yet and that are young enough to keep asking about.</summary>
    public IReadOnlyList<(string OrderId, string PaymentId)> AwaitingPoll(TimeSpan giveUpAfter) =>
        store.Select(Approach.Polling, null, time.GetUtcNow() - giveUpAfter)
            .Where(o => o.PaymentId is not null && !o.LearnedAt.ContainsKey(Approach.Polling))
            .Select(o => (o.Id, o.PaymentId!))
            .ToList();

    /// <summary>What the comparison needs of every order.</summary>
    public IReadOnlyList<OrderMeasurement> Measurements() =>
        store.Select(null, null, null).Select(o => new OrderMeasurement(
            o.Id, o.Approach, Names.Of(o.Status), o.CreatedAt, o.ProviderCompletedAt, o.LearnedAt.TryGetValue(o.Approach, out var own) ? own : null,
            o.LearnedAt.TryGetValue(Approach.Webhook, out var hook) ? hook : null, o.Requests.GetValueOrDefault(o.Approach), o.WebhookMessageId,
            o.PaymentId)).ToList();
}

internal sealed record OrderMeasurement(
    string OrderId, Approach Approach, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ProviderCompletedAt,
    DateTimeOffset? LearnedAt, DateTimeOffset? WebhookLearnedAt, int ChannelRequests, string? WebhookMessageId,
    string? PaymentId);
