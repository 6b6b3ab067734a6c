using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Herald.Receiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NodeEd25519 = Herald.Testing.NodeEd25519;

namespace Herald.Receiver.Tests.Verification;

/// <summary>
/// <c>v1a</c> signatures made by Node's crypto (OpenSSL), which shares no code with the BouncyCastle ed25519 Herald uses,
/// verified by the receiver; and the Standard Webhooks specification's example message and header.
/// </summary>
public sealed class CrossImplementationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Signatures_made_by_Node_are_accepted_and_tampered_or_swapped_ones_refused()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var messages = new[]
        {
            ("msg_node_1", "{\"type\":\"payment.succeeded\",\"data\":{\"amount\":2700}}"),
            ("msg_node_2", "{\"type\":\"note\",\"data\":{\"text\":\"café ✓ 日本\"}}"),
            ("msg_node_3", "{\"type\":\"big\",\"data\":\"" + new string('x', 200_000) + "\"}"),
        };
        var (publicKey, signatures) = await NodeEd25519.SignAsync(messages.Select(m => Content(m.Item1, now, m.Item2)));
        await using var app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), "whpk_" + publicKey));

        for (int i = 0; i < messages.Length; i++)
        {
            using var response = await PostAsync(app, messages[i].Item1, now, "v1a," + signatures[i], messages[i].Item2);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var tampered = await PostAsync(app, "msg_node_t", now, "v1a," + signatures[0], messages[0].Item2.Replace("2700", "2701", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        }
        using (var swapped = await PostAsync(app, messages[0].Item1, now, "v1a," + signatures[1], messages[0].Item2))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, swapped.StatusCode);
        }
        var stored = await app.Inbox.ListAsync(null, 10, CancellationToken.None);
        Assert.Equal(["msg_node_1", "msg_node_2", "msg_node_3"], stored.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_spec_example_message_signed_by_Node_is_accepted_beside_the_specs_own_v1_entry()
    {
        var example = TestVectors.Root.GetProperty("standard_webhooks_spec_example");
        string id = example.GetProperty("msg_id").GetString()!;
        long timestamp = example.GetProperty("timestamp").GetInt64();
        string payload = example.GetProperty("payload").GetString()!;
        string specHeader = example.GetProperty("signature_header").GetString()!;
        var entries = specHeader.Split(' ');
        Assert.Equal(["v1", "v1a"], entries.Select(e => e[..e.IndexOf(',', StringComparison.Ordinal)]));
        Assert.Equal(64, Convert.FromBase64String(entries[1][4..]).Length);

        var (publicKey, signatures) = await NodeEd25519.SignAsync([Content(id, timestamp, payload)]);
        var at = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(timestamp));
        await using var app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), "whpk_" + publicKey), at);

        // The specification names no key for its own signatures: with any key they are refused cleanly, not a 500.
        using (var specOnly = await PostAsync(app, id, timestamp, specHeader, payload))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, specOnly.StatusCode);
        }
        // Its v1 entry (which this receiver cannot check) does not stand in the way of a valid v1a entry beside it.
        using var response = await PostAsync(app, id, timestamp, entries[0] + " v1a," + signatures[0], payload);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(await app.Inbox.GetAsync(id, CancellationToken.None));
    }

    private static byte[] Content(string id, long timestamp, string body) =>
        Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}");

    private static async Task<HttpResponseMessage> PostAsync(ReceiverApp app, string id, long timestamp, string signature, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, app.WebhookUri) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        return await app.Client.SendAsync(request);
    }
}
