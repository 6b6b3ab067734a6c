using System.Text;
using Herald.Signing;

namespace Herald.Core.Tests.Signing;

/// <summary>The negative cases listed with the published vectors.</summary>
public sealed class VerifierNegativeTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MsgId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");

    private static VerificationFailure Verify(string signature, string timestamp = "1614265330", long now = Timestamp) =>
        new WebhookVerifier(Secret, time: SignatureVectorTests.At(now)).Verify(MsgId, timestamp, signature, Body);

    [Fact]
    public void A_signature_altered_in_its_last_characters_is_rejected() =>
        Assert.Equal(VerificationFailure.NoValidSignature, Verify("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd"));

    [Theory]
    [InlineData(Good + " v1,Zm9vYmFyYmF6 v1,YWJjZGVm")]
    [InlineData("v1,Zm9vYmFyYmF6 " + Good + " v1,YWJjZGVm")]
    [InlineData("v1,Zm9vYmFyYmF6 v1,YWJjZGVm " + Good)]
    public void Any_valid_entry_among_several_passes(string header) => Assert.Equal(VerificationFailure.None, Verify(header));

    [Fact]
    public void Entries_with_an_unknown_version_are_ignored_not_errors()
    {
        Assert.Equal(VerificationFailure.None, Verify("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " + Good));
        Assert.Equal(VerificationFailure.NoValidSignature, Verify("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }

    [Theory]
    [InlineData("v1,")]
    [InlineData("v1")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData(",")]
    [InlineData("v1,not base64!!")]
    [InlineData("   ")]
    public void Malformed_entries_are_rejected_cleanly(string header) => Assert.Equal(VerificationFailure.NoValidSignature, Verify(header));

    [Fact]
    public void Timestamps_outside_the_tolerance_are_rejected()
    {
        Assert.Equal(VerificationFailure.TimestampTooOld, Verify(Good, now: Timestamp + 301));
        Assert.Equal(VerificationFailure.TimestampTooNew, Verify(Good, now: Timestamp - 301));
        Assert.Equal(VerificationFailure.None, Verify(Good, now: Timestamp + 300));
        Assert.Equal(VerificationFailure.None, Verify(Good, now: Timestamp - 300));
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("   ")]
    [InlineData("whsec_!!!notbase64")]
    public void An_empty_or_invalid_secret_is_a_configuration_error(string secret) =>
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(secret));

    [Theory]
    [InlineData("161426533.0")]
    [InlineData("invalid timestamp")]
    [InlineData("-161426533")]
    [InlineData("")]
    [InlineData(" 1614265330")]
    public void Non_integer_timestamps_are_rejected(string timestamp)
    {
        var result = Verify(Good, timestamp);
        Assert.True(result is VerificationFailure.InvalidTimestamp or VerificationFailure.MissingHeaders, result.ToString());
    }

    [Fact]
    public void Missing_headers_are_reported_as_such()
    {
        var verifier = new WebhookVerifier(Secret, time: SignatureVectorTests.At(Timestamp));
        Assert.Equal(VerificationFailure.MissingHeaders, verifier.Verify(null, "1614265330", Good, Body));
        Assert.Equal(VerificationFailure.MissingHeaders, verifier.Verify(MsgId, null, Good, Body));
        Assert.Equal(VerificationFailure.MissingHeaders, verifier.Verify(MsgId, "1614265330", null, Body));
    }

    [Fact]
    public void A_verifier_with_two_secrets_accepts_either_during_rotation()
    {
        string other = WebhookSecret.Generate();
        var verifier = new WebhookVerifier([other, Secret], time: SignatureVectorTests.At(Timestamp));
        Assert.Equal(VerificationFailure.None, verifier.Verify(MsgId, "1614265330", Good, Body));
    }

    [Fact]
    public void A_changed_body_fails()
    {
        var verifier = new WebhookVerifier(Secret, time: SignatureVectorTests.At(Timestamp));
        Assert.Equal(VerificationFailure.NoValidSignature, verifier.Verify(MsgId, "1614265330", Good, Encoding.UTF8.GetBytes("{\"test\":2432232314}")));
    }
}
