using System.Globalization;
using System.Net;
using MimeKit;

namespace Checkout.Mailbox;

/// <summary>The mailbox's HTML: the list of received messages and one message with its text and HTML parts.</summary>
internal static class MailboxPages
{
    public static void MapMailboxPages(this WebApplication app)
    {
        app.MapGet("/", async (MailboxStore store, CancellationToken cancellationToken) =>
            Html(List(await store.ListAsync(cancellationToken))));

        app.MapGet("/mail/{messageId}", async (string messageId, MailboxStore store, CancellationToken cancellationToken) =>
        {
            if (await store.FindAsync(messageId, cancellationToken) is not { } found)
            {
                return Html(Page("Not received", "<p>No message with this Message-Id has arrived.</p>"), 404);
            }
            using var stream = new MemoryStream(found.Raw, writable: false);
            using var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            return Html(Message(found.Mail, message));
        });

        app.MapGet("/mail/{messageId}/raw", async (string messageId, MailboxStore store, CancellationToken cancellationToken) =>
            await store.FindAsync(messageId, cancellationToken) is { } found
                ? Results.File(found.Raw, "message/rfc822", found.Mail.Id.ToString(CultureInfo.InvariantCulture) + ".eml")
                : Results.NotFound());
    }

    private static string List(IReadOnlyList<ReceivedMail> mails) => Page("Mailbox", mails.Count == 0
        ? "<p id=\"empty\">No e-mail has arrived yet.</p>"
        : $"""
          <table id="mails"><tr><th>Received</th><th>To</th><th>Subject</th></tr>
          {string.Concat(mails.Select(m => $"<tr><td>{Utc(m.ReceivedAt)}</td><td>{E(m.EnvelopeTo)}</td><td><a href=\"{E(Link(m.MessageId))}\">{E(m.Subject)}</a></td></tr>"))}
          </table>
          """);

    private static string Message(ReceivedMail mail, MimeMessage message) => Page(message.Subject ?? "(no subject)", $"""
        <p><a href="/">All e-mails</a></p>
        <h1 id="mail-subject">{E(message.Subject ?? "(no subject)")}</h1>
        <dl>
          <dt>From</dt><dd id="mail-from">{E(message.From.ToString())}</dd>
          <dt>To</dt><dd id="mail-to">{E(message.To.ToString())}</dd>
          <dt>Date</dt><dd>{E(message.Date.ToString("R", CultureInfo.InvariantCulture))}</dd>
          <dt>Message-Id</dt><dd id="mail-message-id"><code>{E(mail.MessageId)}</code></dd>
          <dt>Received</dt><dd id="mail-received">by SMTP at {Utc(mail.ReceivedAt)}, from <code>{E(mail.EnvelopeFrom)}</code> for <code>{E(mail.EnvelopeTo)}</code></dd>
        </dl>
        {(message.HtmlBody is { } html ? $"<h2>HTML part</h2><iframe id=\"mail-html\" title=\"HTML part\" sandbox srcdoc=\"{E(html)}\"></iframe>" : "")}
        {(message.TextBody is { } text ? $"<h2>Text part</h2><pre id=\"mail-text\">{E(text)}</pre>" : "")}
        <p><a id="mail-raw" href="{E(Link(mail.MessageId))}/raw">Download the message (.eml)</a></p>
        """);

    private static string Link(string messageId) => "/mail/" + Uri.EscapeDataString(messageId);

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static IResult Html(string html, int statusCode = 200) => Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);

    private static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · Mailbox</title>
        <style>
          body { font-family: system-ui, sans-serif; background: #f4f4f0; margin: 0; }
          main { max-width: 46rem; margin: 2rem auto; background: #fff; border-radius: 10px; padding: 1.2rem 2rem; box-shadow: 0 2px 10px #0002; }
          header { font-weight: 700; color: #7a4b1e; }
          dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: #666; }
          iframe { width: 100%; height: 22rem; border: 1px solid #ccc; border-radius: 6px; }
          pre { background: #f7f7f7; padding: .8rem; white-space: pre-wrap; }
          table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
        </style></head>
        <body><main><header>Mailbox &middot; the shopper's e-mail, as the sample's SMTP server received it</header>
        {{body}}
        </main></body></html>
        """;
}
