using System.Globalization;
using System.Net;
using Checkout.Store.Orders;
using MimeKit;

namespace Checkout.Store.Fulfilment;

/// <summary>The order confirmation, as a MIME message with a text and an HTML part.</summary>
internal static class ConfirmationEmail
{
    /// <summary>The Message-Id of an order's confirmation: the same for every try, so the mailbox can be asked for it.</summary>
    public static string MessageId(string orderId) => orderId + ".confirmation@chocolate-corner.example";

    public static MimeMessage Build(OrderView order, ShipmentView shipment, string from, DateTimeOffset date)
    {
        var lines = Cart.Lines.Select(l => (Text: $"{l.Quantity} x {l.Name}", Price: Money(l.Quantity * l.UnitPrice)))
            .Append((Text: "Fees", Price: Money(Cart.Fees))).ToList();
        var text = $"""
            Thank you for your order {order.Id}.

            {string.Join("\n", lines.Select(l => $"{l.Text,-28}{l.Price,10}"))}
            {"Total",-28}{Money(order.Total),10}

            {PaymentLine(order)}
            {LearnedLine(order)}

            Paid by {order.Method}. Your parcel is on its way with {shipment.Carrier}, tracking number {shipment.TrackingNumber}.
            """;
        var html = $"""
            <h1>Thank you for your order</h1>
            <p>Order <code>{order.Id}</code></p>
            <table>{string.Concat(lines.Select(l => $"<tr><td>{WebUtility.HtmlEncode(l.Text)}</td><td align=\"right\">{l.Price}</td></tr>"))}
            <tr><th align="left">Total</th><th align="right">{Money(order.Total)}</th></tr></table>
            <p id="payment">{WebUtility.HtmlEncode(PaymentLine(order))}<br>{WebUtility.HtmlEncode(LearnedLine(order))}</p>
            <p>Paid by {order.Method}. Your parcel is on its way with {shipment.Carrier}, tracking number <strong>{shipment.TrackingNumber}</strong>.</p>
            """;
        var message = new MimeMessage
        {
            Subject = $"Your Chocolate Corner order {order.Id} is on its way",
            Date = date,
            MessageId = MessageId(order.Id),
            Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody(),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(order.Email));
        return message;
    }

    /// <summary>"Payment pay_… for order ord_… succeeded.": the provider's news, with the payment id it issued.</summary>
    internal static string PaymentLine(OrderView order) => order.Payment is { } p
        ? $"Payment {p.PaymentId} for order {order.Id} {p.Result}."
        : $"Payment {order.PaymentId} for order {order.Id}.";

    /// <summary>Which message told the store, and when: Herald's message id and the time it arrived.</summary>
    internal static string LearnedLine(OrderView order)
    {
        string webhook = order.Webhook is { } w ? $"Herald webhook {w.MessageId}, received {Utc(w.ReceivedAt)}" : "";
        return order.Payment?.LearnedBy switch
        {
            "webhook" when webhook.Length > 0 => $"The store learned it from {webhook}.",
            { } by => $"The store learned it {(by == "polling" ? "by polling the provider" : "from this app's report")} at {Utc(order.Payment.LearnedAt)}."
                + (webhook.Length > 0 ? $" {webhook}." : ""),
            null => webhook.Length > 0 ? $"{webhook}." : "",
        };
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    private static string Money(long cents) => "$" + (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
