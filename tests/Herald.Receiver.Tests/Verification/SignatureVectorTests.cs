using Herald.Receiver.Testing;
using System.Text;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Receiver.Tests.Verification;

/// <summary>Every vector and negative case of tests/Herald.Testing/Vectors/signature-test-vectors.json, against the verifier the receiver uses.</summary>
public sealed class SignatureVectorTests
{
    private static StandardVector First => TestVectors.StandardWebhooks[0];

    public static TheoryData<int> VectorIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TestVectors.StandardWebhooks.Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Fact]
    public void VectorsFile_HasVectorsAndNegativeCases()
    {
        Assert.True(TestVectors.StandardWebhooks.Count >= 2);
        Assert.Equal(7, TestVectors.NegativeCases.Count);
    }

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void StandardWebhooksVector_VerifiesAtItsTimestamp(int index)
    {
        var vector = TestVectors.StandardWebhooks[index];
        var verifier = VerifierAt(vector.Secret, vector.Timestamp);

        var result = verifier.Verify(vector.MessageId, Ts(vector.Timestamp), vector.Expected, Encoding.UTF8.GetBytes(vector.Payload));

        Assert.Equal(VerificationFailure.None, result);
    }

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void StandardWebhooksVector_SignerReproducesExpected(int index)
    {
        var vector = TestVectors.StandardWebhooks[index];
        var signed = SignedWebhook.Create(vector.Secret, vector.Payload, vector.MessageId,
            DateTimeOffset.FromUnixTimeSeconds(vector.Timestamp));

        Assert.Equal(vector.Expected, signed.Signature);
    }

    [Fact]
    public void AlteredSignature_IsRejected()
    {
        var verifier = VerifierAt(First.Secret, First.Timestamp);

        var result = verifier.Verify(First.MessageId, Ts(First.Timestamp), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd", Body(First));

        Assert.Equal(VerificationFailure.NoValidSignature, result);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void SeveralSignatures_VerifyWhenAnyEntryIsValid(int validPosition)
    {
        var entries = new List<string>
        {
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v1,bm9wZSBub3BlIG5vcGUgbm9wZSBub3BlIG5vcGUgbm8=",
        };
        entries.Insert(validPosition, First.Expected);
        var verifier = VerifierAt(First.Secret, First.Timestamp);

        var result = verifier.Verify(First.MessageId, Ts(First.Timestamp), string.Join(' ', entries), Body(First));

        Assert.Equal(VerificationFailure.None, result);
    }

    [Fact]
    public void UnknownVersionEntries_AreIgnoredNotErrors()
    {
        var verifier = VerifierAt(First.Secret, First.Timestamp);
        string sameMacAsV2 = "v2," + First.Expected["v1,".Length..];

        Assert.Equal(VerificationFailure.None,
            verifier.Verify(First.MessageId, Ts(First.Timestamp), $"v2,abc {sameMacAsV2} {First.Expected}", Body(First)));
        Assert.Equal(VerificationFailure.NoValidSignature,
            verifier.Verify(First.MessageId, Ts(First.Timestamp), sameMacAsV2, Body(First)));
    }

    [Theory]
    [InlineData("v1,")]
    [InlineData("v1")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData(",")]
    [InlineData("v1,,")]
    [InlineData("v1,not base64!")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("   ")]
    public void MalformedSignatureEntry_IsRejectedWithoutException(string header)
    {
        var verifier = VerifierAt(First.Secret, First.Timestamp);

        var result = verifier.Verify(First.MessageId, Ts(First.Timestamp), header, Body(First));

        Assert.Equal(VerificationFailure.NoValidSignature, result);
    }

    [Theory]
    [InlineData(-301, VerificationFailure.TimestampTooOld)]
    [InlineData(301, VerificationFailure.TimestampTooNew)]
    [InlineData(-300, VerificationFailure.None)]
    [InlineData(300, VerificationFailure.None)]
    public void TimestampBeyondDefaultTolerance_IsRejected(int nowMinusSigned, VerificationFailure expected)
    {
        // The clock is moved, not the signed timestamp, so the vector's signature stays valid.
        var verifier = VerifierAt(First.Secret, First.Timestamp - nowMinusSigned);

        Assert.Equal(expected, verifier.Verify(First.MessageId, Ts(First.Timestamp), First.Expected, Body(First)));
    }

    [Fact]
    public void Tolerance_IsConfigurable()
    {
        var oneMinute = TimeSpan.FromSeconds(60);
        var justInside = new WebhookVerifier(First.Secret, oneMinute, Clock(First.Timestamp + 60));
        var justOutside = new WebhookVerifier(First.Secret, oneMinute, Clock(First.Timestamp + 61));

        Assert.Equal(VerificationFailure.None, justInside.Verify(First.MessageId, Ts(First.Timestamp), First.Expected, Body(First)));
        Assert.Equal(VerificationFailure.TimestampTooOld, justOutside.Verify(First.MessageId, Ts(First.Timestamp), First.Expected, Body(First)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData(" ")]
    [InlineData("whsec_not base64!")]
    public void EmptyOrBareSecret_IsAConfigurationError(string secret)
    {
        Assert.False(WebhookSecret.TryParse(secret, out _));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(secret));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier([First.Secret, secret]));
    }

    [Theory]
    [InlineData("161426533.0")]
    [InlineData("invalid timestamp")]
    [InlineData("-161426533")]
    [InlineData("1614265330 ")]
    [InlineData("+1614265330")]
    public void NonIntegerTimestamp_IsRejected(string timestamp)
    {
        var verifier = VerifierAt(First.Secret, First.Timestamp);

        Assert.Equal(VerificationFailure.InvalidTimestamp, verifier.Verify(First.MessageId, timestamp, First.Expected, Body(First)));
    }

    [Fact]
    public void SignatureFromAnotherSecret_IsRejected_AndRotationAcceptsEither()
    {
        string other = WebhookSecret.Generate();
        var signedByOther = SignedWebhook.Create(other, First.Payload, First.MessageId, DateTimeOffset.FromUnixTimeSeconds(First.Timestamp));

        Assert.Equal(VerificationFailure.NoValidSignature,
            VerifierAt(First.Secret, First.Timestamp).Verify(First.MessageId, Ts(First.Timestamp), signedByOther.Signature, Body(First)));

        var rotating = new WebhookVerifier([First.Secret, other], null, Clock(First.Timestamp));
        Assert.Equal(VerificationFailure.None, rotating.Verify(First.MessageId, Ts(First.Timestamp), signedByOther.Signature, Body(First)));
        Assert.Equal(VerificationFailure.None, rotating.Verify(First.MessageId, Ts(First.Timestamp), First.Expected, Body(First)));
    }

    private static WebhookVerifier VerifierAt(string secret, long unixSeconds) => new(secret, null, Clock(unixSeconds));

    private static FakeTimeProvider Clock(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    private static string Ts(long seconds) => seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Body(StandardVector vector) => Encoding.UTF8.GetBytes(vector.Payload);
}
