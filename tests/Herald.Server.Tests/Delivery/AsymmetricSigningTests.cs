using Herald.Server.Tests.Infrastructure;
using Herald.Signing;
using Herald.Testing;

namespace Herald.Server.Tests.Delivery;

/// <summary>ed25519 endpoints through a real Herald server and a real Kestrel receiver: v1a signing, the public key API, rotation between kinds.</summary>
public sealed class AsymmetricSigningTests : IAsyncLifetime
{
    private HeraldHost _herald = null!;
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _herald = await HeraldHost.StartAsync();
        _receiver = await TestReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _herald.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private static VerificationFailure Verify(string key, ReceivedRequest r) =>
        new WebhookVerifier(key).Verify(r.Header("webhook-id"), r.Header("webhook-timestamp"), r.Header("webhook-signature"), r.Body);

    [Fact]
    public async Task An_endpoint_created_with_a_whsk_key_signs_v1a_and_shows_only_its_public_key()
    {
        string app = await _herald.CreateAppAsync();
        string secretKey = WebhookKeyPair.Generate();
        var (_, key) = await _herald.CreateEndpointAsync(app, _receiver.Url(), new { secret = secretKey });
        Assert.Equal(WebhookKeyPair.Parse(secretKey).PublicKey.ToString(), key);
        await _herald.SendAsync(app, "payment.succeeded", new { amount = 2700 });
        await _receiver.WaitForAsync(1);
        var request = _receiver.Received[0];
        Assert.StartsWith("v1a,", request.Header("webhook-signature"), StringComparison.Ordinal);
        Assert.Equal(VerificationFailure.None, Verify(key, request));
    }

    [Fact]
    public async Task KeyType_ed25519_generates_a_key_pair()
    {
        string app = await _herald.CreateAppAsync();
        var (_, key) = await _herald.CreateEndpointAsync(app, _receiver.Url(), new { keyType = "ed25519" });
        Assert.StartsWith("whpk_", key, StringComparison.Ordinal);
        await _herald.SendAsync(app, "payment.succeeded", new { amount = 2700 });
        await _receiver.WaitForAsync(1);
        Assert.Equal(VerificationFailure.None, Verify(key, _receiver.Received[0]));
    }

    [Fact]
    public async Task Rotating_between_kinds_sends_both_signatures_and_either_key_verifies()
    {
        string app = await _herald.CreateAppAsync();
        var (ep, oldSecret) = await _herald.CreateEndpointAsync(app, _receiver.Url());
        Assert.StartsWith("whsec_", oldSecret, StringComparison.Ordinal);
        await _herald.PostAsync($"/api/v1/app/{app}/endpoint/{ep}/secret/rotate", new { keyType = "ed25519" }, 204);
        string publicKey = (await _herald.GetAsync($"/api/v1/app/{app}/endpoint/{ep}/secret"))["key"]!.GetValue<string>();
        Assert.StartsWith("whpk_", publicKey, StringComparison.Ordinal);

        await _herald.SendAsync(app, "payment.succeeded", new { amount = 2700 });
        await _receiver.WaitForAsync(1);
        var first = _receiver.Received[0];
        var entries = first.Header("webhook-signature")!.Split(' ');
        Assert.Equal(["v1a", "v1"], entries.Select(e => e[..e.IndexOf(',', StringComparison.Ordinal)]));
        Assert.Equal(VerificationFailure.None, Verify(oldSecret, first));
        Assert.Equal(VerificationFailure.None, Verify(publicKey, first));

        // And back: the retired key pair keeps signing beside the new symmetric secret.
        await _herald.PostAsync($"/api/v1/app/{app}/endpoint/{ep}/secret/rotate", new { keyType = "hmac-sha256" }, 204);
        string newSecret = (await _herald.GetAsync($"/api/v1/app/{app}/endpoint/{ep}/secret"))["key"]!.GetValue<string>();
        Assert.StartsWith("whsec_", newSecret, StringComparison.Ordinal);
        await _herald.SendAsync(app, "payment.succeeded", new { amount = 100 });
        await _receiver.WaitForAsync(2);
        var second = _receiver.Received[1];
        Assert.Equal(VerificationFailure.None, Verify(newSecret, second));
        Assert.Equal(VerificationFailure.None, Verify(publicKey, second));
    }

    [Theory]
    [InlineData("{\"key\":\"whsk_AAAA\"}")]
    [InlineData("{\"keyType\":\"rsa\"}")]
    [InlineData("{\"keyType\":\"hmac-sha256\",\"key\":\"whsk_nZ2xne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==\"}")]
    public async Task Bad_keys_and_key_types_are_refused_with_422(string body)
    {
        string app = await _herald.CreateAppAsync();
        var (ep, _) = await _herald.CreateEndpointAsync(app, _receiver.Url());
        await _herald.PostAsync($"/api/v1/app/{app}/endpoint/{ep}/secret/rotate", body, 422);
    }
}
