using Checkout.Mailbox;
using Checkout.Store.Orders;

namespace Checkout.Store.Fulfilment;

internal static class ConfirmationEmailEndpoint
{
    /// <summary>Sends the order page's "Open the e-mail" to the mailbox's page of the confirmation it received.</summary>
    public static void MapConfirmationEmails(this WebApplication app) =>
        app.MapGet("/orders/{id}/email", (string id, OrderBook orders, StoreLinks links) =>
            orders.Find(id) is { EmailUrl: not null }
                ? Results.Redirect(MailboxApp.MailUrl(links.MailboxUrl, ConfirmationEmail.MessageId(id)).AbsoluteUri)
                : Results.NotFound());
}
