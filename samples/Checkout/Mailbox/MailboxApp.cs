using Checkout.Composition;

namespace Checkout.Mailbox;

/// <summary>The mailbox's settings: the SMTP port (0 picks a free one).</summary>
internal sealed record MailboxOptions(int SmtpPort);

/// <summary>
/// The shopper's mailbox: an SMTP server that keeps every message it receives in <c>mailbox.db</c>, and web pages that
/// list and show them. It stands in for the mail server a real store would hand its e-mails to.
/// </summary>
internal static class MailboxApp
{
    public static WebApplication Build(CheckoutSettings settings, string dataDirectory)
    {
        var builder = AppHost.CreateBuilder(settings.Ports.Mailbox, settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new MailboxOptions(settings.Ports.Smtp));
        builder.Services.AddSingleton(sp => new MailboxStore(dataDirectory, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SmtpListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SmtpListener>());

        var app = builder.Build();
        app.MapMailboxPages();
        return app;
    }

    /// <summary>The page of the received message with this Message-Id, on a mailbox at <paramref name="mailboxUrl"/>.</summary>
    public static Uri MailUrl(Uri mailboxUrl, string messageId) => new(mailboxUrl, "mail/" + Uri.EscapeDataString(messageId));
}
