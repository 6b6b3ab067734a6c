using System.Globalization;
using System.Net;
using Checkout.Store.Orders;
using MimeKit;

namespace Checkout.Store.Fulfilment;

/// <summary>The order confirmation, as a MIME message with a text and an HTML part.</summary>
internal static class ConfirmationEmail
{
    public static MimeMessage Build(OrderView order, Shipment shipment, string from, DateTimeOffset date)
    {
        var lines = Cart.Lines.Select(l => (Text: $"{l.Quantity} x {l.Name}", Price: Money(l.Quantity * l.UnitPrice)))
            .Append((Text: "Fees", Price: Money(Cart.Fees))).ToList();
        var text = $"""
            Thank you for your order {order.Id}.

            {string.Join("\n", lines.Select(l => $"{l.Text,-28}{l.Price,10}"))}
            {"Total",-28}{Money(order.Total),10}

            Paid by {order.Method}. Your parcel is on its way with {shipment.Carrier}, tracking number {shipment.TrackingNumber}.
            """;
        var html = $"""
            <h1>Thank you for your order</h1>
            <p>Order <code>{order.Id}</code></p>
            <table>{string.Concat(lines.Select(l => $"<tr><td>{WebUtility.HtmlEncode(l.Text)}</td><td align=\"right\">{l.Price}</td></tr>"))}
            <tr><th align="left">Total</th><th align="right">{Money(order.Total)}</th></tr></table>
            <p>Paid by {order.Method}. Your parcel is on its way with {shipment.Carrier}, tracking number <strong>{shipment.TrackingNumber}</strong>.</p>
            """;
        var message = new MimeMessage
        {
            Subject = $"Your Chocolate Corner order {order.Id} is on its way",
            Date = date,
            Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody(),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(order.Email));
        return message;
    }

    private static string Money(long cents) => "$" + (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
