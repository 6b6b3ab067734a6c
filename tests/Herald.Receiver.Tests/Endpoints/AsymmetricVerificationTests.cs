using System.Net;
using System.Text;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;

namespace Herald.Receiver.Tests.Endpoints;

/// <summary>
/// <c>v1a</c> (ed25519) webhooks through a real Kestrel receiver configured with a <c>whpk_</c> public key,
/// alone and beside a <c>whsec_</c> secret as during a rotation between kinds.
/// </summary>
public sealed class AsymmetricVerificationTests : IAsyncLifetime
{
    private readonly WebhookKeyPair _pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
    private readonly TempDirectory _dir = new();
    private readonly HandlerProbe _probe = new();
    private ReceiverApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), _pair.PublicKey.ToString()),
            configureReceiver: PaymentHandlerRegistration.With(_probe));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_v1a_webhook_signed_by_the_matching_secret_key_is_accepted_and_processed()
    {
        var webhook = Payment(_pair.Export(), "msg_v1a");
        Assert.StartsWith("v1a,", webhook.Signature, StringComparison.Ordinal);

        using var response = await _app.PostAsync(webhook);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.UntilAsync(async () => (await _app.Inbox.GetAsync("msg_v1a", CancellationToken.None))?.Status == InboxStatus.Processed, "msg_v1a is processed");
        Assert.Equal(27m, Assert.Single(_probe.Calls).Payload.Amount);
    }

    [Fact]
    public async Task A_tampered_body_another_key_pair_or_a_symmetric_signature_is_refused_with_401()
    {
        var signed = Payment(_pair.Export(), "msg_tampered");
        var tampered = signed.ToHttpRequest(_app.WebhookUri);
        var body = signed.Body.ToArray();
        body[^2] ^= 1;
        tampered.Content = new ByteArrayContent(body);
        tampered.Content.Headers.ContentType = new("application/json");
        using (tampered)
        using (var response = await _app.Client.SendAsync(tampered))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await _app.PostAsync(Payment(WebhookKeyPair.Generate(), "msg_other_pair")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // A receiver that holds only a public key accepts nothing signed with a shared secret.
        using (var response = await _app.PostAsync(Payment(WebhookSecret.Generate(), "msg_hmac")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // A v1 entry built from the public key's bytes (as if it were a shared secret) is no way in either.
        var forged = SignedWebhook.Create([WebhookSecret.Prefix + Convert.ToBase64String(_pair.PublicKey.Key)], Encoding.UTF8.GetBytes("{}"), "msg_forged");
        using (var response = await _app.PostAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Empty(await _app.Inbox.ListAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task During_a_rotation_between_kinds_a_receiver_with_either_key_or_both_accepts_the_doubly_signed_webhook()
    {
        string secret = WebhookSecret.Generate();
        var both = Payment([_pair.Export(), secret], "msg_rotation");
        Assert.Equal(["v1a", "v1"], both.Signature.Split(' ').Select(e => e[..e.IndexOf(',', StringComparison.Ordinal)]));

        using var withSecretDir = new TempDirectory();
        await using var withSecret = await ReceiverApp.StartAsync(ReceiverApp.Settings(withSecretDir.SqliteConnectionString(), secret));
        using var withBothDir = new TempDirectory();
        await using var withBoth = await ReceiverApp.StartAsync(ReceiverApp.Settings(withBothDir.SqliteConnectionString(), secret, _pair.PublicKey.ToString()));

        foreach (var app in new[] { _app, withSecret, withBoth })
        {
            using var response = await app.PostAsync(both);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The receiver that holds both keys accepts a webhook signed by either one alone.
        using var v1Only = await withBoth.PostAsync(Payment(secret, "msg_v1_only"));
        using var v1aOnly = await withBoth.PostAsync(Payment(_pair.Export(), "msg_v1a_only"));
        Assert.Equal(HttpStatusCode.OK, v1Only.StatusCode);
        Assert.Equal(HttpStatusCode.OK, v1aOnly.StatusCode);
    }

    private static SignedWebhook Payment(string key, string id) => Payment([key], id);

    private static SignedWebhook Payment(string[] keys, string id) => SignedWebhook.Create(keys,
        Encoding.UTF8.GetBytes("{\"type\":\"payment.succeeded\",\"data\":{\"paymentId\":\"pay_1\",\"amount\":27,\"currency\":\"USD\"}}"), id);
}
