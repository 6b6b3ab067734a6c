using Checkout.Store.Orders;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Checkout.Store.Fulfilment;

/// <summary>
/// Writes every confirmation to the pickup folder as a <c>.eml</c> file (which the order page links to) and,
/// when <c>Checkout:Smtp:Host</c> is set, also sends it by SMTP.
/// </summary>
internal sealed partial class MailDelivery(StoreOptions options, TimeProvider time, ILogger<MailDelivery> logger)
{
    public string PathFor(string orderId) => Path.Combine(options.MailDirectory, orderId + ".eml");

    public async Task SendConfirmationAsync(OrderView order, Shipment shipment, CancellationToken cancellationToken)
    {
        using var message = ConfirmationEmail.Build(order, shipment, options.Smtp.From, time.GetUtcNow());
        Directory.CreateDirectory(options.MailDirectory);
        await message.WriteToAsync(PathFor(order.Id), cancellationToken);

        if (options.Smtp.Host is { Length: > 0 } host)
        {
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync(host, options.Smtp.Port, options.Smtp.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
            if (options.Smtp.UserName is { Length: > 0 } user)
            {
                await smtp.AuthenticateAsync(user, options.Smtp.Password ?? "", cancellationToken);
            }
            await smtp.SendAsync(message, cancellationToken);
            await smtp.DisconnectAsync(quit: true, cancellationToken);
            SentBySmtp(logger, order.Id, host);
        }
        else
        {
            Saved(logger, order.Id, PathFor(order.Id));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmation for order {OrderId} sent through SMTP host {Host}")]
    private static partial void SentBySmtp(ILogger logger, string orderId, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmation for order {OrderId} written to {Path}")]
    private static partial void Saved(ILogger logger, string orderId, string path);
}
