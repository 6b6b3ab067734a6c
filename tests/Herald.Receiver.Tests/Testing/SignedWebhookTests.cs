using System.Text;
using System.Text.Json;
using Herald.Receiver.Testing;
using Herald.Signing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Receiver.Tests.Testing;

public sealed class SignedWebhookTests
{
    private readonly string _secret = WebhookSecret.Generate();

    [Fact]
    public void ForEvent_BuildsAStandardPayload_ThatTheVerifierAccepts()
    {
        var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var webhook = SignedWebhook.ForEvent(_secret, "payment.succeeded", new { PaymentId = "pay_1", Amount = 27 }, "msg_1", at);

        using var payload = JsonDocument.Parse(webhook.Body);
        Assert.Equal("payment.succeeded", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal("pay_1", payload.RootElement.GetProperty("data").GetProperty("paymentId").GetString());
        Assert.Equal(at, payload.RootElement.GetProperty("timestamp").GetDateTimeOffset());
        var headers = webhook.Headers();
        Assert.Equal("msg_1", headers["webhook-id"]);
        Assert.Equal("1740830400", headers["webhook-timestamp"]);
        var verifier = new WebhookVerifier(_secret, null, new FakeTimeProvider(at));
        Assert.Equal(VerificationFailure.None,
            verifier.Verify(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], webhook.Body.Span));
    }

    [Fact]
    public void Create_WithSeveralSecrets_CarriesOneSignaturePerSecret()
    {
        string next = WebhookSecret.Generate();

        var webhook = SignedWebhook.Create([_secret, next], Encoding.UTF8.GetBytes("{}"));

        Assert.Equal(2, webhook.Signature.Split(' ').Length);
        Assert.StartsWith("msg_", webhook.MessageId, StringComparison.Ordinal);
        var onlyNext = new WebhookVerifier(next);
        Assert.Equal(VerificationFailure.None,
            onlyNext.Verify(webhook.MessageId, webhook.Timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                webhook.Signature, webhook.Body.Span));
    }

    [Fact]
    public async Task ToHttpRequest_CarriesTheExactBodyAndHeaders()
    {
        var webhook = SignedWebhook.Create(_secret, "{\"a\":1}", "msg_2");

        using var standard = webhook.ToHttpRequest(new Uri("http://127.0.0.1/webhooks"));
        using var svix = webhook.ToHttpRequest(new Uri("http://127.0.0.1/webhooks"), svixNames: true);

        Assert.Equal(HttpMethod.Post, standard.Method);
        Assert.Equal("{\"a\":1}", await standard.Content!.ReadAsStringAsync());
        Assert.Equal(webhook.Signature, standard.Headers.GetValues("webhook-signature").Single());
        Assert.Equal("msg_2", svix.Headers.GetValues("svix-id").Single());
        Assert.False(svix.Headers.Contains("webhook-id"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_")]
    public void Create_WithAnInvalidSecret_Throws(string secret) =>
        Assert.Throws<FormatException>(() => SignedWebhook.Create(secret, "{}"));

    [Fact]
    public void Create_WithAWhskKey_SignsV1a_AndAWhpkKeyIsRefusedAsUnableToSign()
    {
        var pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
        var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var webhook = SignedWebhook.ForEvent(pair.Export(), "payment.succeeded", new { Amount = 27 }, "msg_v1a", at);

        Assert.StartsWith("v1a,", webhook.Signature, StringComparison.Ordinal);
        var headers = webhook.Headers();
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(pair.PublicKey.ToString(), null, new FakeTimeProvider(at))
            .Verify(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], webhook.Body.Span));
        var error = Assert.Throws<FormatException>(() => SignedWebhook.Create(pair.PublicKey.ToString(), "{}"));
        Assert.Contains("only verifies", error.Message, StringComparison.Ordinal);
    }
}
