using System.Security.Cryptography;

namespace Checkout.Store.Orders;

/// <summary>
/// The store's orders, kept in <see cref="OrderStore"/>. Every change reads the order, changes it and writes it back
/// under one lock (this backend is the file's only writer), and is then published to the live feed.
/// </summary>
internal sealed partial class OrderBook(OrderStore store, OrderFeed feed, TimeProvider time)
{
    private readonly Lock _lock = new();

    public OrderView Create(string method, Approach approach, string email)
    {
        var now = time.GetUtcNow();
        var order = new Order
        {
            Id = "ord_" + RandomNumberGenerator.GetHexString(12, lowercase: true),
            CreatedAt = now, Method = method, Approach = approach, Email = email,
        };
        order.History.Add(new StatusChange(OrderStatus.Pending, now));
        store.Insert(order);
        return OrderView.From(order);
    }

    public OrderView? Find(string id) => store.Find(id) is { } order ? OrderView.From(order) : null;

    /// <summary>Paid orders not yet shipped or e-mailed, e.g. left so by a backend that stopped in between.</summary>
    public IReadOnlyList<string> Unfulfilled() =>
        store.Select(null, [OrderStatus.Paid, OrderStatus.Shipped], null).Select(o => o.Id).ToList();

    public void AttachPayment(string orderId, string paymentId) => Change(orderId, o => o.PaymentId = paymentId);

    public void MarkShipped(string orderId, Shipment shipment) => Change(orderId, o =>
    {
        o.Shipment = shipment;
        Advance(o, OrderStatus.Shipped);
    });

    public void MarkEmailed(string orderId, string messageId) => Change(orderId, o =>
    {
        o.EmailMessageId = messageId;
        Advance(o, OrderStatus.EmailSent);
    });

    /// <summary>Counts a request a polling or app-report channel made for this order.</summary>
    public void CountRequest(string orderId, Approach channel) =>
        Change(orderId, o => o.Requests[channel] = o.Requests.GetValueOrDefault(channel) + 1, publish: false);

    /// <summary>Counts a run of a webhook handler, which is what "processed once" is checked against, and notes which message it was.</summary>
    public void RecordWebhookRun(string orderId, string messageId) => Change(orderId, o =>
    {
        if (o.WebhookMessageId != messageId)
        {
            o.WebhookMessageId = messageId;
            o.WebhookReceivedAt = time.GetUtcNow();
        }
        o.WebhookHandlerRuns++;
    });

    private void Advance(Order order, OrderStatus status)
    {
        order.Status = status;
        order.History.Add(new StatusChange(status, time.GetUtcNow()));
    }

    private bool Change(string orderId, Action<Order> change, bool publish = true)
    {
        OrderView view;
        lock (_lock)
        {
            if (store.Find(orderId) is not { } order)
            {
                return false;
            }
            change(order);
            store.Update(order);
            view = OrderView.From(order);
        }
        if (publish)
        {
            feed.Publish(view);
        }
        return true;
    }
}
