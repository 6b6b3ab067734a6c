using System.Security.Cryptography;

namespace Checkout.Store.Orders;

/// <summary>The store's orders, in memory. Every change happens under one lock and is then published to the live feed.</summary>
internal sealed partial class OrderBook(OrderFeed feed, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal);

    public OrderView Create(string method, Approach approach, string email)
    {
        var now = time.GetUtcNow();
        var order = new Order
        {
            Id = "ord_" + RandomNumberGenerator.GetHexString(12, lowercase: true),
            CreatedAt = now, Method = method, Approach = approach, Email = email,
        };
        order.History.Add((OrderStatus.Pending, now));
        lock (_lock)
        {
            _orders.Add(order.Id, order);
            return OrderView.From(order);
        }
    }

    public OrderView? Find(string id)
    {
        lock (_lock)
        {
            return _orders.TryGetValue(id, out var order) ? OrderView.From(order) : null;
        }
    }

    public void AttachPayment(string orderId, string paymentId) => Change(orderId, o => o.PaymentId = paymentId);

    public void MarkShipped(string orderId, Shipment shipment) => Change(orderId, o =>
    {
        o.Shipment = shipment;
        Advance(o, OrderStatus.Shipped);
    });

    public void MarkEmailed(string orderId) => Change(orderId, o =>
    {
        o.EmailSaved = true;
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
        order.History.Add((status, time.GetUtcNow()));
    }

    private bool Change(string orderId, Action<Order> change, bool publish = true)
    {
        OrderView view;
        lock (_lock)
        {
            if (!_orders.TryGetValue(orderId, out var order))
            {
                return false;
            }
            change(order);
            view = OrderView.From(order);
        }
        if (publish)
        {
            feed.Publish(view);
        }
        return true;
    }
}
