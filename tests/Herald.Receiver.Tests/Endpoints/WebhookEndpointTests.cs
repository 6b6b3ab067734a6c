using System.Net;
using System.Text;
using System.Text.Json;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;

namespace Herald.Receiver.Tests.Endpoints;

/// <summary>The receiver end to end through a real Kestrel server and a real SQLite inbox.</summary>
public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private readonly string _secret = WebhookSecret.Generate();
    private readonly TempDirectory _dir = new();
    private readonly HandlerProbe _probe = new();
    private ReceiverApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), _secret),
            configureReceiver: PaymentHandlerRegistration.With(_probe));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task ValidWebhook_IsAcknowledged_AndHandlerRunsOnceWithTypedPayload()
    {
        var webhook = Payment("msg_valid", 27m);

        using var response = await _app.PostAsync(webhook);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitProcessedAsync("msg_valid");
        var call = Assert.Single(_probe.Calls);
        Assert.Equal("msg_valid", call.MessageId);
        Assert.Equal(PaymentHandlerRegistration.EventType, call.EventType);
        Assert.Equal(new PaymentSucceeded("pay_1", 27m, "USD"), call.Payload);
        Assert.Equal(1, call.Attempt);
        Assert.Equal(webhook.Timestamp, call.Timestamp);
        Assert.True(webhook.Body.Span.SequenceEqual(call.RawBody.Span));
    }

    [Fact]
    public async Task DuplicateWebhookId_IsAcknowledged_AndNotProcessedAgain()
    {
        using (var first = await _app.PostAsync(Payment("msg_dup", 10m)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await WaitProcessedAsync("msg_dup");

        // A redelivery carries the same id with a fresh timestamp and signature.
        using var again = await _app.PostAsync(Payment("msg_dup", 10m));
        using var viaSvix = await _app.PostAsync(Payment("msg_dup", 10m), svixNames: true);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaSvix.StatusCode);
        await DrainAsync();
        Assert.Equal(1, _probe.CallsFor("msg_dup"));
        Assert.Single(await _app.Inbox.ListAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ForgedSignature_Returns401Problem_LogsReasonNotSecret_AndLeavesInboxUnchanged()
    {
        var forged = SignedWebhook.ForEvent(WebhookSecret.Generate(), PaymentHandlerRegistration.EventType,
            new PaymentSucceeded("pay_x", 1m, "USD"), "msg_forged");

        using var response = await _app.PostAsync(forged);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Null(await _app.Inbox.GetAsync("msg_forged", CancellationToken.None));
        Assert.Empty(await _app.Inbox.ListAsync(null, 10, CancellationToken.None));
        var line = Assert.Single(_app.Logs.Lines, l => l.EventId.Id == 1001 && l.Category.StartsWith("Herald", StringComparison.Ordinal));
        Assert.Contains(nameof(VerificationFailure.NoValidSignature), line.Message, StringComparison.Ordinal);
        Assert.Contains("msg_forged", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Message.Contains(_secret["whsec_".Length..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task BodyChangedAfterSigning_Returns401()
    {
        var signed = Payment("msg_tampered", 27m);
        var tampered = Encoding.UTF8.GetString(signed.Body.Span).Replace("27", "2700", StringComparison.Ordinal);
        using var request = signed.ToHttpRequest(_app.WebhookUri);
        request.Content = new StringContent(tampered, Encoding.UTF8, "application/json");

        using var response = await _app.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Null(await _app.Inbox.GetAsync("msg_tampered", CancellationToken.None));
    }

    [Theory]
    [InlineData(-10)]
    [InlineData(10)]
    public async Task TimestampOutsideTolerance_Returns401(int minutesFromNow)
    {
        var webhook = SignedWebhook.ForEvent(_secret, PaymentHandlerRegistration.EventType, new PaymentSucceeded("pay_1", 1m, "USD"),
            "msg_stale", TimeProvider.System.GetUtcNow().AddMinutes(minutesFromNow));

        using var response = await _app.PostAsync(webhook);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(minutesFromNow < 0 ? "past" : "future", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await _app.Inbox.GetAsync("msg_stale", CancellationToken.None));
    }

    [Theory]
    [InlineData("v1,", "1")]
    [InlineData("v1", "1")]
    [InlineData("", "1")]
    [InlineData("v1,abc", "161426533.0")]
    [InlineData("v1,abc", "invalid timestamp")]
    [InlineData("v1,abc", "-161426533")]
    public async Task MalformedHeaders_Return401NotServerError(string signature, string timestamp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _app.WebhookUri) { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("webhook-id", "msg_malformed");
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);

        using var response = await _app.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SvixHeaders_AreAccepted()
    {
        using var response = await _app.PostAsync(Payment("msg_svix", 5m), svixNames: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitProcessedAsync("msg_svix");
        Assert.Equal(1, _probe.CallsFor("msg_svix"));
    }

    [Fact]
    public async Task BodyOverTheLimit_Returns413()
    {
        await using var app = await ReceiverApp.StartAsync(WithSetting("Herald:Receiver:MaxBodyBytes", "1024"));
        var big = SignedWebhook.Create(_secret, "{\"type\":\"x\",\"data\":\"" + new string('a', 2000) + "\"}", "msg_big");
        var exact = SignedWebhook.Create(_secret, "{\"pad\":\"" + new string('a', 1024 - 10) + "\"}", "msg_exact");

        using var declared = await app.PostAsync(big);
        using var chunked = await app.Client.SendAsync(Chunked(big, app.WebhookUri));
        using var atLimit = await app.PostAsync(exact);

        await AssertProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(1024, exact.Body.Length);
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Null(await app.Inbox.GetAsync("msg_big", CancellationToken.None));
    }

    [Fact]
    public async Task PayloadWithoutData_IsReadWhole_AndUnknownEventTypesAreSettled()
    {
        var flat = SignedWebhook.Create(_secret,
            "{\"type\":\"payment.succeeded\",\"paymentId\":\"pay_flat\",\"amount\":3.5,\"currency\":\"EUR\"}", "msg_flat");
        var unknown = SignedWebhook.Create(_secret, "{\"type\":\"refund.created\",\"data\":{}}", "msg_unknown");
        var notJson = SignedWebhook.Create(_secret, "plain text", "msg_text");

        using (var r1 = await _app.PostAsync(flat))
        using (var r2 = await _app.PostAsync(unknown))
        using (var r3 = await _app.PostAsync(notJson))
        {
            Assert.All([r1, r2, r3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        }

        await WaitProcessedAsync("msg_flat");
        await WaitProcessedAsync("msg_unknown");
        await WaitProcessedAsync("msg_text");
        Assert.Equal(new PaymentSucceeded("pay_flat", 3.5m, "EUR"), Assert.Single(_probe.Calls).Payload);
        Assert.Equal("refund.created", (await _app.Inbox.GetAsync("msg_unknown", CancellationToken.None))!.EventType);
        Assert.Null((await _app.Inbox.GetAsync("msg_text", CancellationToken.None))!.EventType);
    }

    [Fact]
    public async Task RotationWithTwoSecrets_AcceptsEitherSignatureAndBoth()
    {
        string next = WebhookSecret.Generate();
        await using var app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString("rotation.db"), _secret, next));
        var body = Encoding.UTF8.GetBytes("{\"type\":\"x\",\"data\":{}}");

        using var withOld = await app.PostAsync(SignedWebhook.Create([_secret], body, "msg_old"));
        using var withNew = await app.PostAsync(SignedWebhook.Create([next], body, "msg_new"));
        using var withBoth = await app.PostAsync(SignedWebhook.Create([_secret, next], body, "msg_both"));
        using var withOther = await app.PostAsync(SignedWebhook.Create([WebhookSecret.Generate()], body, "msg_other"));

        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBoth.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withOther.StatusCode);
    }

    [Fact]
    public async Task ConcurrentBurst_IsProcessedExactlyOncePerMessage()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"msg_burst_{i}").ToArray();

        // Each id is sent twice at once, as an impatient sender might.
        var responses = await Task.WhenAll(ids.Concat(ids).Select(async id =>
        {
            using var response = await _app.PostAsync(Payment(id, 1m));
            return response.StatusCode;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
        await Eventually.UntilAsync(() => _probe.Calls.Count >= ids.Length, "every message is handled");
        await DrainAsync();
        Assert.All(ids, id => Assert.Equal(1, _probe.CallsFor(id)));
        Assert.Equal(ids.Length, (await _app.Inbox.ListAsync(InboxStatus.Processed, 100, CancellationToken.None)).Count);
    }

    private SignedWebhook Payment(string id, decimal amount) =>
        SignedWebhook.ForEvent(_secret, PaymentHandlerRegistration.EventType, new PaymentSucceeded("pay_1", amount, "USD"), id);

    private Dictionary<string, string?> WithSetting(string key, string value)
    {
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString("other.db"), _secret);
        settings[key] = value;
        return settings;
    }

    private Task WaitProcessedAsync(string id) => Eventually.UntilAsync(
        async () => (await _app.Inbox.GetAsync(id, CancellationToken.None))?.Status == InboxStatus.Processed,
        $"{id} is processed");

    /// <summary>Waits until nothing is pending or processing, so a wrongly queued duplicate would have run.</summary>
    private Task DrainAsync() => Eventually.UntilAsync(
        async () => (await _app.Inbox.ListAsync(null, 100, CancellationToken.None)).All(e => e.Status is InboxStatus.Processed or InboxStatus.Failed),
        "the inbox is drained");

    private static HttpRequestMessage Chunked(SignedWebhook webhook, Uri uri)
    {
        var request = webhook.ToHttpRequest(uri);
        request.Content = new StreamContent(new MemoryStream(webhook.Body.ToArray()));
        request.Headers.TransferEncodingChunked = true;
        return request;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, document.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("title").GetString()));
        return document.RootElement.Clone();
    }
}
