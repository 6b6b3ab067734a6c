using System.Net;
using Checkout.Store.Fulfilment;
using Herald.Checkout.Tests.Infrastructure;
using MimeKit;

namespace Herald.Checkout.Tests.Fulfilment;

/// <summary>The confirmation goes by SMTP (MailKit) to the sample's mailbox, whose SMTP server keeps it in <c>mailbox.db</c>.</summary>
public sealed class ConfirmationMailTests : IAsyncLifetime
{
    private TestCheckout _checkout = null!;

    public async Task InitializeAsync() => _checkout = await TestCheckout.StartAsync();

    public async Task DisposeAsync() => await _checkout.DisposeAsync();

    [Fact]
    public async Task The_confirmation_arrives_at_the_mailbox_SMTP_server_addressed_to_the_shopper()
    {
        var placed = await _checkout.PlaceOrderAsync("webhook");
        Assert.Empty(await _checkout.MailboxStore.ListAsync(CancellationToken.None));
        await _checkout.PayAsync(placed);
        await _checkout.WaitForStatusAsync(placed.OrderId, "email sent");

        var received = Assert.Single(await _checkout.MailboxStore.ListAsync(CancellationToken.None));
        Assert.Equal(ConfirmationEmail.MessageId(placed.OrderId), received.MessageId);
        Assert.Equal("orders@chocolate-corner.example", received.EnvelopeFrom);
        Assert.Equal("shopper@example.com", received.EnvelopeTo);
        Assert.True(File.Exists(Path.Combine(_checkout.DataDirectory, "mailbox.db")));

        var (_, raw) = (await _checkout.MailboxStore.FindAsync(received.MessageId, CancellationToken.None))!.Value;
        using var message = await MimeMessage.LoadAsync(new MemoryStream(raw));
        Assert.Equal($"Your Chocolate Corner order {placed.OrderId} is on its way", message.Subject);
        Assert.Equal("shopper@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Contains($"Payment {placed.PaymentId} for order {placed.OrderId} succeeded.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Payment {placed.PaymentId} for order {placed.OrderId} succeeded.", message.HtmlBody, StringComparison.Ordinal);

        // The mailbox's pages: the list links to the message, and an unknown Message-Id is not found.
        Assert.Contains(Uri.EscapeDataString(received.MessageId), await _checkout.Mailbox.GetStringAsync(""), StringComparison.Ordinal);
        using var unknown = await _checkout.Mailbox.GetAsync("mail/" + Uri.EscapeDataString("nothing@nowhere.example"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
