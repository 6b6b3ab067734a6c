using System.Text;
using System.Text.Json;
using Herald.Signing;
using Herald.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Core.Tests.Signing;

public sealed class SignatureVectorTests
{
    public static TheoryData<string, string, long, string, string> StandardVectors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferenceFiles.Path("signature-test-vectors.json")));
        var data = new TheoryData<string, string, long, string, string>();
        foreach (var v in doc.RootElement.GetProperty("standard_webhooks_v1").EnumerateArray())
        {
            data.Add(v.GetProperty("secret").GetString()!, v.GetProperty("msg_id").GetString()!, v.GetProperty("timestamp").GetInt64(),
                v.GetProperty("payload").GetString()!, v.GetProperty("expected").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(StandardVectors))]
    public void Signer_reproduces_published_vector(string secret, string msgId, long timestamp, string payload, string expected)
    {
        Assert.Equal(expected, WebhookSigner.Sign(WebhookSecret.Parse(secret), msgId, timestamp, payload));
    }

    [Theory]
    [MemberData(nameof(StandardVectors))]
    public void Verifier_accepts_published_vector_at_its_timestamp(string secret, string msgId, long timestamp, string payload, string expected)
    {
        var verifier = new WebhookVerifier(secret, time: At(timestamp));
        Assert.Equal(VerificationFailure.None, verifier.Verify(msgId, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), expected, Encoding.UTF8.GetBytes(payload)));
    }

    [Fact]
    public void Github_sha256_vector_matches_plain_hmac_of_the_body()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferenceFiles.Path("signature-test-vectors.json")));
        var gh = doc.RootElement.GetProperty("github_sha256");
        var mac = System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(gh.GetProperty("secret").GetString()!), Encoding.UTF8.GetBytes(gh.GetProperty("payload").GetString()!));
        Assert.Equal(gh.GetProperty("expected_header").GetString(), "sha256=" + Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Sign_all_joins_signatures_of_every_key_with_spaces()
    {
        var a = WebhookSecret.Parse(WebhookSecret.Generate());
        var b = WebhookSecret.Parse(WebhookSecret.Generate());
        var body = Encoding.UTF8.GetBytes("{}");
        string header = WebhookSigner.SignAll([a.Key, b.Key], "msg_1", 1700000000, body);
        Assert.Equal(WebhookSigner.Sign(a.Key, "msg_1", 1700000000, body) + " " + WebhookSigner.Sign(b.Key, "msg_1", 1700000000, body), header);
    }

    [Fact]
    public void Signing_a_body_larger_than_the_stack_buffer_works()
    {
        var secret = WebhookSecret.Parse(WebhookSecret.Generate());
        var body = Encoding.UTF8.GetBytes("{\"x\":\"" + new string('a', 100_000) + "\"}");
        string sig = WebhookSigner.Sign(secret.Key, "msg_big", 1, body);
        var verifier = new WebhookVerifier(WebhookSecret.Prefix + Convert.ToBase64String(secret.Key), time: At(1));
        Assert.Equal(VerificationFailure.None, verifier.Verify("msg_big", "1", sig, body));
    }

    internal static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
}
