using System.Text;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Signing;
using Herald.Testing;

namespace Herald.Server.Tests.Delivery;

public sealed class DeliveryTests : IAsyncLifetime
{
    private HeraldHost _host = null!;
    private TestReceiver _receiver = null!;
    private string _app = "";

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        _host = await HeraldHost.StartAsync(new() { ["Herald:Delivery:SendSvixHeaders"] = "true" });
        _app = await _host.CreateAppAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_message_is_delivered_signed_with_exact_bytes_and_recorded()
    {
        var (endpoint, secret) = await _host.CreateEndpointAsync(_app, _receiver.Url("/orders"),
            new { headers = new Dictionary<string, string> { ["X-Store"] = "lindt", ["Authorization"] = "Bearer store-token" } });
        const string raw = "{\"eventType\":\"payment.succeeded\",\"payload\":{ \"orderId\" : \"12345\", \"amount\": 27.00, \"note\":\"\\u00e9\" }}";
        using var post = await _host.Client.PostAsync($"/api/v1/app/{_app}/msg", HeraldHost.Json(raw));
        string msgId = (await HeraldHost.ReadAsync(post, 202))["id"]!.GetValue<string>();

        await _receiver.WaitForAsync(1);
        var request = _receiver.Received.Single();
        Assert.Equal("/orders", request.Path);
        Assert.Equal("{ \"orderId\" : \"12345\", \"amount\": 27.00, \"note\":\"\\u00e9\" }", request.BodyText);
        Assert.Equal(msgId, request.Header("webhook-id"));
        Assert.Equal(msgId, request.Header("svix-id"));
        Assert.Equal(request.Header("webhook-signature"), request.Header("svix-signature"));
        Assert.StartsWith("application/json", request.Header("content-type"), StringComparison.Ordinal);
        Assert.StartsWith("Herald", request.Header("user-agent"), StringComparison.Ordinal);
        Assert.Equal("lindt", request.Header("x-store"));
        Assert.Equal("Bearer store-token", request.Header("authorization"));
        var verifier = new WebhookVerifier(secret);
        Assert.Equal(VerificationFailure.None, verifier.Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), request.Body));

        var attempts = await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{_app}/attempt/msg/{msgId}"), a => a["data"]!.AsArray().Count == 1);
        var attempt = attempts["data"]![0]!;
        Assert.StartsWith("atmpt_", attempt["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, attempt["responseStatusCode"]!.GetValue<int>());
        Assert.Equal("ok", attempt["response"]!.GetValue<string>());
        Assert.Equal(0, attempt["status"]!.GetValue<int>());
        Assert.Equal("success", attempt["statusText"]!.GetValue<string>());
        Assert.Equal(0, attempt["triggerType"]!.GetValue<int>());
        Assert.Equal(endpoint, attempt["endpointId"]!.GetValue<string>());

        var one = await _host.GetAsync($"/api/v1/app/{_app}/msg/{msgId}/attempt/{attempt["id"]!.GetValue<string>()}");
        Assert.Equal(200, one["responseStatusCode"]!.GetValue<int>());
        var destinations = await _host.GetAsync($"/api/v1/app/{_app}/msg/{msgId}/endpoint");
        Assert.Equal("success", destinations["data"]![0]!["statusText"]!.GetValue<string>());
        var byEndpoint = await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{endpoint}/msg");
        Assert.Equal(msgId, byEndpoint["data"]![0]!["id"]!.GetValue<string>());
        Assert.Single((await _host.GetAsync($"/api/v1/app/{_app}/attempt/endpoint/{endpoint}?status=0"))["data"]!.AsArray());
        Assert.Equal(1, (await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{endpoint}/stats"))["success"]!.GetValue<long>());
    }

    [Fact]
    public async Task Messages_fan_out_only_to_endpoints_whose_filters_match()
    {
        var (payments, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/payments"), new { eventTypes = new[] { "payment.succeeded" } });
        var (europe, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/eu"), new { channels = new[] { "eu" } });
        var (all, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/all"));
        await _host.CreateEndpointAsync(_app, _receiver.Url("/off"), new { disabled = true });

        string paid = await _host.SendAsync(_app, "payment.succeeded", new { n = 1 });
        string eu = await _host.SendAsync(_app, "order.shipped", new { n = 2 }, new { channels = new[] { "eu" } });
        string us = await _host.SendAsync(_app, "order.shipped", new { n = 3 }, new { channels = new[] { "us" } });

        // Fan-out is decided when a message is accepted: its destinations are stored with it. With exactly these
        // five stored and five received, no wrongly fanned-out delivery is still on its way.
        Assert.Equal(new[] { payments, all }.Order(), await DestinationsAsync(paid));
        Assert.Equal(new[] { europe, all }.Order(), await DestinationsAsync(eu));
        Assert.Equal([all], await DestinationsAsync(us));
        await _receiver.WaitForAsync(5);
        var byPath = _receiver.Received.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, byPath["/payments"]);
        Assert.Equal(1, byPath["/eu"]);
        Assert.Equal(3, byPath["/all"]);
        Assert.False(byPath.ContainsKey("/off"));
        Assert.Equal(5, _receiver.Count);
        _ = (payments, europe, all);
    }

    [Fact]
    public async Task Redirects_are_not_followed_and_count_as_failures()
    {
        _receiver.Respond = (ctx, req) =>
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = _receiver.Url("/elsewhere");
            return Task.CompletedTask;
        };
        var (endpoint, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/start"));
        string msg = await _host.SendAsync(_app, "a.b", new { });
        var attempts = await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{_app}/attempt/msg/{msg}"), a => a["data"]!.AsArray().Count == 1);
        Assert.Equal(302, attempts["data"]![0]!["responseStatusCode"]!.GetValue<int>());
        Assert.Equal("fail", attempts["data"]![0]!["statusText"]!.GetValue<string>());
        Assert.DoesNotContain(_receiver.Received, r => r.Path == "/elsewhere");
        var destination = (await _host.GetAsync($"/api/v1/app/{_app}/msg/{msg}/endpoint"))["data"]![0]!;
        Assert.Equal("pending", destination["statusText"]!.GetValue<string>());
        Assert.NotNull(destination["nextAttempt"]);
        _ = endpoint;
    }

    [Fact]
    public async Task Gone_disables_the_endpoint_and_later_messages_skip_it()
    {
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 410;
            return Task.CompletedTask;
        };
        var (endpoint, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/gone"));
        string msg = await _host.SendAsync(_app, "a.b", new { });
        var ep = await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{_app}/endpoint/{endpoint}"), e => e["disabled"]!.GetValue<bool>());
        Assert.Contains("410", ep["disabledReason"]!.GetValue<string>(), StringComparison.Ordinal);
        var destination = (await _host.GetAsync($"/api/v1/app/{_app}/msg/{msg}/endpoint"))["data"]![0]!;
        Assert.Equal("fail", destination["statusText"]!.GetValue<string>());
        string later = await _host.SendAsync(_app, "a.b", new { });
        Assert.Empty(await DestinationsAsync(later)); // decided on accepting it: the disabled endpoint is not a destination
        Assert.Equal(1, _receiver.Count);
    }

    [Fact]
    public async Task After_rotation_both_signatures_are_sent_and_each_verifies_with_its_secret()
    {
        var (endpoint, oldSecret) = await _host.CreateEndpointAsync(_app, _receiver.Url());
        using var rotate = await _host.Client.PostAsync($"/api/v1/app/{_app}/endpoint/{endpoint}/secret/rotate", HeraldHost.Json(new { }));
        Assert.Equal(204, (int)rotate.StatusCode);
        string newSecret = (await _host.GetAsync($"/api/v1/app/{_app}/endpoint/{endpoint}/secret"))["key"]!.GetValue<string>();
        await _host.SendAsync(_app, "a.b", new { rotated = true });
        await _receiver.WaitForAsync(1);
        var request = _receiver.Received.Single();
        var signatures = request.Header("webhook-signature")!.Split(' ');
        Assert.Equal(2, signatures.Length);
        foreach (var secret in new[] { newSecret, oldSecret })
        {
            Assert.Equal(VerificationFailure.None, new WebhookVerifier(secret).Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), request.Body));
        }
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(newSecret).Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), signatures[0], request.Body));
    }

    [Fact]
    public async Task Rotation_with_no_grace_period_sends_only_the_new_signature()
    {
        var (endpoint, _) = await _host.CreateEndpointAsync(_app, _receiver.Url());
        await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{endpoint}/secret/rotate", new { gracePeriodSeconds = 0 }, 204);
        await _host.SendAsync(_app, "a.b", new { });
        await _receiver.WaitForAsync(1);
        Assert.Single(_receiver.Received.Single().Header("webhook-signature")!.Split(' '));
    }

    [Fact]
    public async Task Resend_delivers_again_with_the_same_id_as_a_manual_attempt()
    {
        var (endpoint, _) = await _host.CreateEndpointAsync(_app, _receiver.Url());
        string msg = await _host.SendAsync(_app, "a.b", new { });
        await _receiver.WaitForAsync(1);
        await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{_app}/attempt/msg/{msg}"), a => a["data"]!.AsArray().Count == 1);
        await _host.PostAsync($"/api/v1/app/{_app}/msg/{msg}/endpoint/{endpoint}/resend", new { }, 202);
        await _receiver.WaitForAsync(2);
        Assert.All(_receiver.Received, r => Assert.Equal(msg, r.Header("webhook-id")));
        var attempts = await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{_app}/attempt/msg/{msg}"), a => a["data"]!.AsArray().Count == 2);
        Assert.Equal(1, attempts["data"]![0]!["triggerType"]!.GetValue<int>());
    }

    [Fact]
    public async Task Recover_resends_failed_deliveries_since_the_given_time()
    {
        var schedule = new Dictionary<string, string?> { ["Herald:Delivery:RetrySchedule:0"] = "00:00:00.050" };
        await using var host = await HeraldHost.StartAsync(schedule);
        string app = await host.CreateAppAsync();
        bool healthy = false;
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = Volatile.Read(ref healthy) ? 200 : 500;
            return Task.CompletedTask;
        };
        var (endpoint, _) = await host.CreateEndpointAsync(app, _receiver.Url());
        string msg = await host.SendAsync(app, "a.b", new { });
        await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/msg/{msg}/endpoint"), d => d["data"]![0]!["statusText"]!.GetValue<string>() == "fail");
        Assert.Equal(2, _receiver.Count);
        Volatile.Write(ref healthy, true);
        var task = await host.PostAsync($"/api/v1/app/{app}/endpoint/{endpoint}/recover", new { since = DateTimeOffset.UtcNow.AddHours(-1) }, 202);
        Assert.Equal("endpoint.recover", task["task"]!.GetValue<string>());
        await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/msg/{msg}/endpoint"), d => d["data"]![0]!["statusText"]!.GetValue<string>() == "success");
        Assert.Equal(3, _receiver.Count);
    }

    [Fact]
    public async Task Send_example_delivers_the_event_types_example_to_that_endpoint_only()
    {
        await _host.PostAsync("/api/v1/event-type", new
        {
            name = "payment.succeeded",
            description = "Paid",
            schemas = new Dictionary<string, object> { ["1"] = new { type = "object", examples = new[] { new { orderId = "12345", amount = 2700 } } } },
        }, 201);
        var (target, _) = await _host.CreateEndpointAsync(_app, _receiver.Url("/target"));
        await _host.CreateEndpointAsync(_app, _receiver.Url("/other"));
        var example = await _host.PostAsync($"/api/v1/app/{_app}/endpoint/{target}/send-example", new { eventType = "payment.succeeded" }, 200);
        Assert.Equal([target], await DestinationsAsync(example["id"]!.GetValue<string>())); // its only delivery
        await _receiver.WaitForAsync(1);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal("/target", request.Path);
        Assert.Equal("12345", JsonNode.Parse(request.Body)!["orderId"]!.GetValue<string>());
    }

    /// <summary>The endpoints the message was fanned out to when it was accepted, ordered by id.</summary>
    private async Task<string[]> DestinationsAsync(string msg) =>
        (await _host.GetAsync($"/api/v1/app/{_app}/msg/{msg}/endpoint"))["data"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()).Order().ToArray();
}
