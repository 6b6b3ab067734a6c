using System.Net;
using Checkout.Store.Orders;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Checkout.Store.Fulfilment;

/// <summary>Where the store sends its e-mails: an SMTP server on this machine (the sample's mailbox).</summary>
internal sealed record SmtpServerAddress(IPEndPoint EndPoint);

/// <summary>Sends every confirmation by SMTP with MailKit; the mail has arrived when the server has accepted it.</summary>
internal sealed partial class MailDelivery(StoreOptions options, SmtpServerAddress server, TimeProvider time, ILogger<MailDelivery> logger)
{
    /// <returns>The Message-Id the mailbox keeps the confirmation under.</returns>
    public async Task<string> SendConfirmationAsync(OrderView order, CancellationToken cancellationToken)
    {
        var shipment = order.Shipment ?? throw new InvalidOperationException($"Order {order.Id} has not shipped.");
        using var message = ConfirmationEmail.Build(order, shipment, options.MailFrom, time.GetUtcNow());
        using var smtp = new SmtpClient();
        // Loopback and plain SMTP: the sample's mailbox offers no TLS and needs no login.
        await smtp.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, SecureSocketOptions.None, cancellationToken);
        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
        string messageId = ConfirmationEmail.MessageId(order.Id);
        Sent(logger, order.Id, messageId, server.EndPoint);
        return messageId;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmation of order {OrderId} ({MessageId}) sent by SMTP to {EndPoint}")]
    private static partial void Sent(ILogger logger, string orderId, string messageId, IPEndPoint endPoint);
}
