using System.Text;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Delivery;

/// <summary>
/// ed25519 end to end: a real Herald server signs <c>v1a</c> and delivers to a real Kestrel app that verifies with
/// Herald.Receiver holding only the <c>whpk_</c> key the secret API returned; Node's crypto checks the same bytes.
/// </summary>
public sealed class ReceiverRoundTripTests : IAsyncLifetime
{
    private HeraldHost _herald = null!;

    public async Task InitializeAsync() => _herald = await HeraldHost.StartAsync();

    public async Task DisposeAsync() => await _herald.DisposeAsync();

    [Fact]
    public async Task An_ed25519_endpoint_delivers_to_a_receiver_holding_only_the_public_key_and_a_tampered_body_is_refused()
    {
        string app = await _herald.CreateAppAsync();
        // The consumer learns the key only once the endpoint exists, so it is created first and pointed at the app after.
        var (endpoint, publicKey) = await _herald.CreateEndpointAsync(app, "http://127.0.0.1:9/not-yet", new { keyType = "ed25519" });
        Assert.StartsWith("whpk_", publicKey, StringComparison.Ordinal);
        await using var receiver = await ReceiverHost.StartAsync(publicKey);
        await PointAsync(app, endpoint, receiver);

        string msg = await _herald.SendAsync(app, "payment.succeeded", new { orderId = "o-1", amount = 2700, note = "café ✓" });

        await Eventually.WaitAsync(() => !receiver.Handled.IsEmpty && !receiver.Requests.IsEmpty, what: "the handler to run");
        var (request, status) = Assert.Single(receiver.Requests);
        Assert.Equal(200, status);
        Assert.Equal(msg, request.Header("webhook-id"));
        Assert.StartsWith("v1a,", request.Header("webhook-signature"), StringComparison.Ordinal);
        Assert.Contains("\"orderId\":\"o-1\"", Assert.Single(receiver.Handled), StringComparison.Ordinal);

        var tampered = request.Body.ToArray();
        int digit = Array.IndexOf(tampered, (byte)'7');
        tampered[digit] = (byte)'1';
        Assert.Equal(401, await receiver.ReplayAsync(request, tampered));
        // The untouched bytes still verify: a redelivery is acknowledged and not processed again.
        Assert.Equal(200, await receiver.ReplayAsync(request, request.Body));
        Assert.Single(receiver.Handled);

        // An implementation that shares no code with Herald's agrees, on the bytes Herald actually sent.
        string signature = request.Header("webhook-signature")!["v1a,".Length..];
        string raw = publicKey["whpk_".Length..];
        byte[] content = [.. Encoding.UTF8.GetBytes($"{msg}.{request.Header("webhook-timestamp")}."), .. request.Body];
        byte[] tamperedContent = [.. Encoding.UTF8.GetBytes($"{msg}.{request.Header("webhook-timestamp")}."), .. tampered];
        Assert.Equal([true, false], await NodeEd25519.VerifyAsync([(raw, content, signature), (raw, tamperedContent, signature)]));
    }

    [Fact]
    public async Task Rotating_from_a_whsec_secret_to_ed25519_keeps_receivers_with_either_key_accepting()
    {
        string app = await _herald.CreateAppAsync();
        var (endpoint, oldSecret) = await _herald.CreateEndpointAsync(app, "http://127.0.0.1:9/not-yet");
        Assert.StartsWith("whsec_", oldSecret, StringComparison.Ordinal);
        await _herald.PostAsync($"/api/v1/app/{app}/endpoint/{endpoint}/secret/rotate", new { keyType = "ed25519" }, 204);
        string publicKey = (await _herald.GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}/secret"))["key"]!.GetValue<string>();
        Assert.StartsWith("whpk_", publicKey, StringComparison.Ordinal);

        // One consumer has not switched yet, another already holds only the new public key.
        await using var notYetSwitched = await ReceiverHost.StartAsync(oldSecret);
        await using var switched = await ReceiverHost.StartAsync(publicKey);

        await PointAsync(app, endpoint, notYetSwitched);
        await _herald.SendAsync(app, "payment.succeeded", new { orderId = "o-1" });
        await Eventually.WaitAsync(() => !notYetSwitched.Handled.IsEmpty && !notYetSwitched.Requests.IsEmpty, what: "the receiver with the old whsec_ secret to process");

        await PointAsync(app, endpoint, switched);
        await _herald.SendAsync(app, "payment.succeeded", new { orderId = "o-2" });
        await Eventually.WaitAsync(() => !switched.Handled.IsEmpty && !switched.Requests.IsEmpty, what: "the receiver with the new whpk_ key to process");

        foreach (var receiver in new[] { notYetSwitched, switched })
        {
            var (request, status) = Assert.Single(receiver.Requests);
            Assert.Equal(200, status);
            Assert.Equal(["v1a", "v1"], request.Header("webhook-signature")!.Split(' ').Select(e => e[..e.IndexOf(',', StringComparison.Ordinal)]));
        }
        // Each accepted because of its own key: the other receiver refuses what the first accepted once its own
        // kind of signature is removed.
        var (first, _) = notYetSwitched.Requests.Single();
        string v1Only = first.Header("webhook-signature")!.Split(' ')[1];
        Assert.Equal(401, await switched.ReplayAsync(WithSignature(first, v1Only), first.Body));
        Assert.Equal(200, await notYetSwitched.ReplayAsync(WithSignature(first, v1Only), first.Body));
    }

    private async Task PointAsync(string app, string endpoint, ReceiverHost receiver)
    {
        using var response = await _herald.Client.PatchAsync($"/api/v1/app/{app}/endpoint/{endpoint}", HeraldHost.Json(new { url = receiver.Url }));
        await HeraldHost.ReadAsync(response, 200);
    }

    private static ReceivedRequest WithSignature(ReceivedRequest request, string signature) =>
        request with { Headers = new Dictionary<string, string>(request.Headers) { ["webhook-signature"] = signature } };
}
