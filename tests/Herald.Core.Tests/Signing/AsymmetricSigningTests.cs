using System.Text;
using Herald.Signing;
using Herald.Testing;

namespace Herald.Core.Tests.Signing;

/// <summary>ed25519 (<c>v1a</c>): RFC 8032 vectors, Node's independent implementation, and mixed rotation headers.</summary>
public sealed class AsymmetricSigningTests
{
    // RFC 8032 section 7.1, tests 1 to 3: secret key (seed), public key, message, signature (hex).
    public static TheoryData<string, string, string, string> Rfc8032 => new()
    {
        { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
        { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
        { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
    };

    [Theory]
    [MemberData(nameof(Rfc8032))]
    public void Key_pair_reproduces_the_rfc8032_vectors(string seed, string publicKey, string message, string signature)
    {
        var pair = WebhookKeyPair.FromSeed(Convert.FromHexString(seed));
        Assert.Equal(publicKey, Convert.ToHexStringLower(pair.PublicKey.Key));
        Span<byte> sig = stackalloc byte[64];
        pair.Sign(Convert.FromHexString(message), sig);
        Assert.Equal(signature, Convert.ToHexStringLower(sig));
        Assert.True(pair.PublicKey.Verify(Convert.FromHexString(message), Convert.FromHexString(signature)));
        Assert.False(pair.PublicKey.Verify(Convert.FromHexString(message + "00"), Convert.FromHexString(signature)));
    }

    [Fact]
    public void Whsk_is_the_seed_then_the_public_key_and_round_trips()
    {
        var pair = WebhookKeyPair.FromSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        string text = pair.Export();
        Assert.StartsWith("whsk_", text, StringComparison.Ordinal);
        Assert.Equal("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            Convert.ToHexStringLower(Convert.FromBase64String(text[5..])));
        Assert.Equal(pair.PublicKey.ToString(), WebhookKeyPair.Parse(text).PublicKey.ToString());
        Assert.DoesNotContain(text[5..], pair.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("whsk_")]
    [InlineData("whsk_!!!")]
    [InlineData("whsk_nZ2xne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")] // the 32-byte seed alone
    public void Malformed_key_pairs_are_refused(string text) => Assert.False(WebhookKeyPair.TryParse(text, out _));

    [Fact]
    public void A_key_pair_whose_halves_do_not_belong_together_is_refused()
    {
        var a = Convert.FromBase64String(WebhookKeyPair.Generate()[5..]);
        var b = Convert.FromBase64String(WebhookKeyPair.Generate()[5..]);
        var mixed = "whsk_" + Convert.ToBase64String([.. a.AsSpan(0, 32), .. b.AsSpan(32)]);
        Assert.False(WebhookKeyPair.TryParse(mixed, out _));
    }

    [Fact]
    public void Verifier_accepts_v1a_with_the_public_key_and_refuses_other_keys_and_the_secret_key()
    {
        var pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
        var body = Encoding.UTF8.GetBytes("{\"amount\":2700}");
        string header = WebhookSigner.Sign(pair, "msg_1", 1700000000, body);
        Assert.StartsWith("v1a,", header, StringComparison.Ordinal);
        var at = SignatureVectorTests.At(1700000000);
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(pair.PublicKey.ToString(), time: at).Verify("msg_1", "1700000000", header, body));
        var other = WebhookKeyPair.Parse(WebhookKeyPair.Generate()).PublicKey.ToString();
        Assert.Equal(VerificationFailure.NoValidSignature, new WebhookVerifier(other, time: at).Verify("msg_1", "1700000000", header, body));
        Assert.Equal(VerificationFailure.NoValidSignature, new WebhookVerifier(pair.PublicKey.ToString(), time: at).Verify("msg_2", "1700000000", header, body));
        Assert.Equal(VerificationFailure.NoValidSignature, new WebhookVerifier(pair.PublicKey.ToString(), time: at).Verify("msg_1", "1700000000", "v1a,AAAA v1a,", body));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(pair.Export()));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier("whpk_AAAA"));
    }

    [Fact]
    public void A_rotation_between_kinds_signs_with_both_and_either_key_verifies()
    {
        string symmetric = WebhookSecret.Generate();
        var pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
        var body = Encoding.UTF8.GetBytes("{}");
        string header = WebhookSigner.SignAll([SigningSecret.Parse(pair.Export()), SigningSecret.Parse(symmetric)], "msg_r", 1700000000, body);
        var entries = header.Split(' ');
        Assert.Equal(2, entries.Length);
        Assert.StartsWith("v1a,", entries[0], StringComparison.Ordinal);
        Assert.StartsWith("v1,", entries[1], StringComparison.Ordinal);
        var at = SignatureVectorTests.At(1700000000);
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(symmetric, time: at).Verify("msg_r", "1700000000", header, body));
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(pair.PublicKey.ToString(), time: at).Verify("msg_r", "1700000000", header, body));
    }

    /// <summary>Herald's v1a signatures checked by Node's crypto (OpenSSL), an implementation that shares no code with BouncyCastle.</summary>
    [Fact]
    public async Task Node_verifies_heralds_signatures()
    {
        var cases = new List<(string, byte[], string)>();
        for (int i = 0; i < 5; i++)
        {
            var pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
            string body = i == 4 ? "{\"x\":\"" + new string('é', 20_000) + "\"}" : $"{{\"n\":{i},\"note\":\"caf\u00e9 \u2713\"}}";
            string id = "msg_" + i;
            long ts = 1700000000 + i;
            string sig = WebhookSigner.Sign(pair, id, ts, Encoding.UTF8.GetBytes(body))[4..];
            cases.Add((pair.PublicKey.ToString()[5..], Encoding.UTF8.GetBytes($"{id}.{ts}.{body}"), sig));
        }
        // A wrong signature must fail in Node too, so the check cannot pass by accident.
        cases.Add((cases[0].Item1, Encoding.UTF8.GetBytes("tampered"), cases[0].Item3));

        Assert.Equal([true, true, true, true, true, false], await NodeEd25519.VerifyAsync(cases));
    }
}
