using Checkout.Store.Orders;

namespace Checkout.Store.Fulfilment;

internal static class ConfirmationEmailEndpoint
{
    /// <summary>Serves the saved confirmation so the order page can link to it.</summary>
    public static void MapConfirmationEmails(this WebApplication app) =>
        app.MapGet("/orders/{id}/email.eml", (string id, OrderBook orders, MailDelivery mail) =>
            orders.Find(id) is { EmailUrl: not null } && File.Exists(mail.PathFor(id))
                ? TypedResults.PhysicalFile(mail.PathFor(id), "message/rfc822", id + ".eml")
                : (IResult)TypedResults.NotFound());
}
