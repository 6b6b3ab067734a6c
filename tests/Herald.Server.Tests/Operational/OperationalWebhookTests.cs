using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Signing;
using Herald.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Operational;

/// <summary>Herald's own webhooks to the operator: each fires exactly when it should, signed with the operator's secret.</summary>
public sealed class OperationalWebhookTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly string _secret = WebhookSecret.Generate();
    private readonly OutcomeLog _outcomes = new();
    private TestReceiver _operator = null!;
    private TestReceiver _customer = null!;
    private HeraldHost _host = null!;

    public async Task InitializeAsync()
    {
        _operator = await TestReceiver.StartAsync();
        _customer = await TestReceiver.StartAsync();
        _host = await HeraldHost.StartAsync(new()
        {
            ["Herald:Operational:Url"] = _operator.Url("/ops"),
            ["Herald:Operational:Secret"] = _secret,
            ["Herald:Delivery:RetryJitter"] = "0",
            // The fake clock moves on while a delivery to the operator may be in flight; a request timeout and lease
            // far beyond the test's few minutes of fake time keep such a send from timing out on that account.
            ["Herald:Delivery:RequestTimeout"] = "01:00:00",
            ["Herald:Delivery:Lease"] = "02:00:00",
            ["Herald:Delivery:RetrySchedule:0"] = "00:00:10",
            ["Herald:Delivery:RetrySchedule:1"] = "00:00:10",
            ["Herald:Delivery:RetrySchedule:2"] = "00:00:10",
            ["Herald:Delivery:RetrySchedule:3"] = "00:00:10",
            ["Herald:Delivery:RetrySchedule:4"] = "00:00:10",
        }, _time, services: OutcomeLog.Register(_outcomes));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _operator.DisposeAsync();
        await _customer.DisposeAsync();
    }

    /// <summary>The operational events received so far, each checked against the operator's secret.</summary>
    private List<JsonNode> Events()
    {
        var verifier = new WebhookVerifier(_secret, time: _time);
        return _operator.Received.Select(r =>
        {
            Assert.Equal(VerificationFailure.None, verifier.Verify(r.Header("webhook-id"), r.Header("webhook-timestamp"), r.Header("webhook-signature"), r.Body));
            return JsonNode.Parse(r.BodyText)!;
        }).ToList();
    }

    private async Task<JsonNode> WaitForEventAsync(int count)
    {
        await _operator.WaitForAsync(count);
        return Events()[count - 1];
    }

    /// <summary>
    /// Waits until the message has this many attempts stored and observed (so any operational event they raise is
    /// published), then moves the clock past the next retry.
    /// </summary>
    private async Task AttemptsObservedAsync(string msg, int count, bool advance)
    {
        await _outcomes.WaitForAttemptsAsync(msg, count);
        if (advance)
        {
            _host.Advance(TimeSpan.FromSeconds(11));
        }
    }

    private async Task StepThroughAttemptsAsync(string msg, int totalAttempts)
    {
        for (int attempt = 1; attempt <= totalAttempts; attempt++)
        {
            await AttemptsObservedAsync(msg, attempt, attempt < totalAttempts);
        }
    }

    /// <summary>
    /// Proves that no other operational event was raised: raises a sentinel (an endpoint.created of another app) and
    /// waits until it is stored; events are stored one at a time in the order raised, so every event raised before
    /// it is stored too. Returns the types of the stored operational messages, oldest first, without the sentinel.
    /// </summary>
    private async Task<List<string>> RaisedBeforeSentinelAsync()
    {
        string sentinelApp = await _host.CreateAppAsync();
        await _host.CreateEndpointAsync(sentinelApp, _customer.Url("/sentinel"));
        var stored = await Eventually.WaitAsync(() => _host.GetAsync("/api/v1/app/herald-operational/msg?limit=250"),
            m => m["data"]!.AsArray().Any(x => IsSentinel(x!, sentinelApp)), TimeSpan.FromSeconds(20), "the sentinel operational event");
        return stored["data"]!.AsArray().Where(x => !IsSentinel(x!, sentinelApp)).Reverse()
            .Select(x => x!["eventType"]!.GetValue<string>()).ToList();
    }

    private static bool IsSentinel(JsonNode message, string sentinelApp) =>
        message["payload"]?["data"]?["appId"]?.GetValue<string>() == sentinelApp;

    [Fact]
    public async Task Endpoint_created_updated_and_deleted_are_each_sent_once()
    {
        string app = await _host.CreateAppAsync(uid: "shop");
        var created = await _host.PostAsync($"/api/v1/app/{app}/endpoint", new { url = _customer.Url(), uid = "backend" }, 201);
        string endpoint = created["id"]!.GetValue<string>();
        var first = await WaitForEventAsync(1);
        Assert.Equal("endpoint.created", first["type"]!.GetValue<string>());
        Assert.Equal(app, first["data"]!["appId"]!.GetValue<string>());
        Assert.Equal("shop", first["data"]!["appUid"]!.GetValue<string>());
        Assert.Equal(endpoint, first["data"]!["endpointId"]!.GetValue<string>());
        Assert.Equal("backend", first["data"]!["endpointUid"]!.GetValue<string>());

        using (var patch = await _host.Client.PatchAsync($"/api/v1/app/{app}/endpoint/{endpoint}", HeraldHost.Json(new { description = "v2" })))
        {
            Assert.Equal(200, (int)patch.StatusCode);
        }
        Assert.Equal("endpoint.updated", (await WaitForEventAsync(2))["type"]!.GetValue<string>());

        using (var bad = await _host.Client.PatchAsync($"/api/v1/app/{app}/endpoint/{endpoint}", HeraldHost.Json(new { url = "not a url" })))
        {
            Assert.Equal(422, (int)bad.StatusCode); // refused changes send nothing
        }
        using (var delete = await _host.Client.DeleteAsync($"/api/v1/app/{app}/endpoint/{endpoint}"))
        {
            Assert.Equal(204, (int)delete.StatusCode);
        }
        var deleted = await WaitForEventAsync(3);
        Assert.Equal("endpoint.deleted", deleted["type"]!.GetValue<string>());
        Assert.Equal(endpoint, deleted["data"]!["endpointId"]!.GetValue<string>());
        Assert.Equal("backend", deleted["data"]!["endpointUid"]!.GetValue<string>());
        Assert.Equal(["endpoint.created", "endpoint.updated", "endpoint.deleted"], await RaisedBeforeSentinelAsync());
        Assert.Equal(3, Events().Count(e => e["data"]!["appId"]!.GetValue<string>() == app));
    }

    [Fact]
    public async Task Failing_is_sent_on_the_third_failure_and_exhausted_after_the_last()
    {
        string app = await _host.CreateAppAsync();
        var (endpoint, _) = await _host.CreateEndpointAsync(app, _customer.Url());
        await _operator.WaitForAsync(1); // endpoint.created
        int calls = 0;
        _customer.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = Interlocked.Increment(ref calls) <= 6 ? 500 : 200;
            return Task.CompletedTask;
        };
        string msg = await _host.SendAsync(app, "order.paid", new { total = 27 }, new { eventId = "order-27" });
        await StepThroughAttemptsAsync(msg, 6);
        await _operator.WaitForAsync(4);
        var expected = new[] { "endpoint.created", "message.attempt.failing", "endpoint.breaker.opened", "message.attempt.exhausted" };
        Assert.Equal(expected, await RaisedBeforeSentinelAsync());
        var events = Events().Take(4).ToList();
        // The fifth failure in a row also opens the endpoint's circuit breaker.
        Assert.Equal(expected, events.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(5, events[2]["data"]!["consecutiveFailures"]!.GetValue<int>());
        var failing = events[1]["data"]!;
        Assert.Equal(msg, failing["msgId"]!.GetValue<string>());
        Assert.Equal("order-27", failing["msgEventId"]!.GetValue<string>());
        Assert.Equal(endpoint, failing["endpointId"]!.GetValue<string>());
        Assert.Equal(500, failing["lastAttempt"]!["responseStatusCode"]!.GetValue<int>());
        var attempts = (await _host.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}"))["data"]!.AsArray();
        Assert.Equal(6, attempts.Count);
        Assert.Equal(attempts[0]!["id"]!.GetValue<string>(), events[3]["data"]!["lastAttempt"]!["id"]!.GetValue<string>()); // newest first
    }

    [Fact]
    public async Task Recovered_is_sent_only_when_a_delivery_succeeds_after_failing_was_sent()
    {
        string app = await _host.CreateAppAsync();
        await _host.CreateEndpointAsync(app, _customer.Url());
        await _operator.WaitForAsync(1);

        int calls = 0;
        _customer.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = Interlocked.Increment(ref calls) is 1 or 2 or 4 or 5 or 6 ? 500 : 200;
            return Task.CompletedTask;
        };
        string below = await _host.SendAsync(app, "order.paid", new { n = 1 });
        await StepThroughAttemptsAsync(below, 3); // two failures, then success: below the threshold
        Assert.Equal(["endpoint.created"], await RaisedBeforeSentinelAsync());

        string msg = await _host.SendAsync(app, "order.paid", new { n = 2 });
        await StepThroughAttemptsAsync(msg, 4); // three failures, then success
        Assert.Equal(["endpoint.created", "endpoint.created", "message.attempt.failing", "message.attempt.recovered"], await RaisedBeforeSentinelAsync());
        await _operator.WaitForAsync(5);
        var events = Events().Where(e => e["data"]!["appId"]!.GetValue<string>() == app).ToList();
        Assert.Equal(["endpoint.created", "message.attempt.failing", "message.attempt.recovered"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(msg, events[2]["data"]!["msgId"]!.GetValue<string>());
        Assert.Equal(200, events[2]["data"]!["lastAttempt"]!["responseStatusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Endpoint_disabled_is_sent_when_an_endpoint_answers_410()
    {
        string app = await _host.CreateAppAsync();
        var (endpoint, _) = await _host.CreateEndpointAsync(app, _customer.Url());
        await _operator.WaitForAsync(1);
        _customer.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 410;
            return Task.CompletedTask;
        };
        string msg = await _host.SendAsync(app, "order.paid", new { n = 1 });
        await _outcomes.WaitForAttemptsAsync(msg, 1);
        Assert.Equal(3, (await RaisedBeforeSentinelAsync()).Count);
        await _operator.WaitForAsync(4);
        var events = Events().Where(e => e["data"]!["appId"]!.GetValue<string>() == app).ToList();
        Assert.Equal(3, events.Count);
        var disabled = Assert.Single(events, e => e["type"]!.GetValue<string>() == "endpoint.disabled");
        Assert.Equal(endpoint, disabled["data"]!["endpointId"]!.GetValue<string>());
        Assert.Equal(app, disabled["data"]!["appId"]!.GetValue<string>());
        Assert.Single(events, e => e["type"]!.GetValue<string>() == "message.attempt.exhausted");
    }

    [Fact]
    public async Task The_operators_own_failing_deliveries_raise_no_operational_events()
    {
        _operator.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        string app = await _host.CreateAppAsync();
        await _host.CreateEndpointAsync(app, _customer.Url()); // endpoint.created: its delivery to the operator fails
        var stored = await Eventually.WaitAsync(() => _host.GetAsync("/api/v1/app/herald-operational/msg"), m => m["data"]!.AsArray().Count == 1,
            TimeSpan.FromSeconds(20), "the stored endpoint.created event");
        string created = stored["data"]![0]!["id"]!.GetValue<string>();
        await StepThroughAttemptsAsync(created, 6);
        Assert.Equal(6, _operator.Count);
        Assert.All(Events(), e => Assert.Equal("endpoint.created", e["type"]!.GetValue<string>()));
        Assert.Equal(["endpoint.created"], await RaisedBeforeSentinelAsync());
    }
}
