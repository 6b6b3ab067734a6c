using System.Globalization;
using System.Text.Json.Nodes;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Delivery;

/// <summary>Retries driven by a fake clock: the schedule, Retry-After, slow-down statuses, timeouts, exhaustion, disabling.</summary>
public sealed class RetryScheduleTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestReceiver _receiver = null!;
    private HeraldHost? _host;

    public async Task InitializeAsync() => _receiver = await TestReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await _receiver.DisposeAsync();
    }

    private async Task<(string App, string Msg)> StartAndSendAsync(Dictionary<string, string?>? settings = null)
    {
        _host = await HeraldHost.StartAsync(settings, _time);
        string app = await _host.CreateAppAsync();
        await _host.CreateEndpointAsync(app, _receiver.Url());
        return (app, await _host.SendAsync(app, "payment.succeeded", new { orderId = "12345" }));
    }

    private async Task<JsonNode> DestinationAsync(string app, string msg) =>
        (await _host!.GetAsync($"/api/v1/app/{app}/msg/{msg}/endpoint"))["data"]![0]!;

    private async Task<JsonNode> WaitForAttemptsAsync(string app, string msg, int count) =>
        await Eventually.WaitAsync(() => _host!.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}"), a => a["data"]!.AsArray().Count >= count, what: $"{count} attempts");

    private static DateTimeOffset NextAttempt(JsonNode destination) =>
        DateTimeOffset.Parse(destination["nextAttempt"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_500_is_retried_after_five_seconds_then_five_minutes_until_it_succeeds()
    {
        int calls = 0;
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = Interlocked.Increment(ref calls) <= 2 ? 500 : 200;
            return Task.CompletedTask;
        };
        var (app, msg) = await StartAndSendAsync();
        await WaitForAttemptsAsync(app, msg, 1);
        var next = NextAttempt(await DestinationAsync(app, msg));
        Assert.InRange(next - Start, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));

        _host!.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, _receiver.Count); // not yet due
        _host.Advance(TimeSpan.FromSeconds(3.1));
        await WaitForAttemptsAsync(app, msg, 2);
        next = NextAttempt(await DestinationAsync(app, msg));
        Assert.InRange(next - _time.GetUtcNow(), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));

        _host.Advance(TimeSpan.FromMinutes(6));
        var attempts = await WaitForAttemptsAsync(app, msg, 3);
        Assert.Equal([200, 500, 500], attempts["data"]!.AsArray().Select(a => a!["responseStatusCode"]!.GetValue<int>()));
        await Eventually.WaitAsync(async () => (await DestinationAsync(app, msg))["statusText"]!.GetValue<string>(), s => s == "success");
        Assert.Equal(3, _receiver.Count);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        };
        var (app, msg) = await StartAndSendAsync();
        await WaitForAttemptsAsync(app, msg, 1);
        Assert.Equal(TimeSpan.FromSeconds(120), NextAttempt(await DestinationAsync(app, msg)) - Start);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Slow_down_statuses_back_off_at_least_a_minute(int status)
    {
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        };
        var (app, msg) = await StartAndSendAsync();
        await WaitForAttemptsAsync(app, msg, 1);
        Assert.True(NextAttempt(await DestinationAsync(app, msg)) - Start >= TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_hanging_endpoint_times_out_and_backs_off_at_least_a_minute()
    {
        var hung = new TaskCompletionSource();
        _receiver.Respond = async (ctx, _) =>
        {
            hung.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        };
        var (app, msg) = await StartAndSendAsync(new() { ["Herald:Delivery:RequestTimeout"] = "00:00:10" });
        await hung.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _host!.Advance(TimeSpan.FromSeconds(11));
        var attempts = await WaitForAttemptsAsync(app, msg, 1);
        var attempt = attempts["data"]![0]!;
        Assert.Equal(0, attempt["responseStatusCode"]!.GetValue<int>());
        Assert.Contains("Timed out", attempt["response"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(NextAttempt(await DestinationAsync(app, msg)) - _time.GetUtcNow() >= TimeSpan.FromSeconds(59));
    }

    [Fact]
    public async Task An_exhausted_schedule_marks_the_delivery_failed()
    {
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        var (app, msg) = await StartAndSendAsync(new()
        {
            ["Herald:Delivery:RetrySchedule:0"] = "00:00:10",
            ["Herald:Delivery:RetrySchedule:1"] = "00:00:20",
            ["Herald:Delivery:RetryJitter"] = "0",
        });
        await WaitForAttemptsAsync(app, msg, 1);
        _host!.Advance(TimeSpan.FromSeconds(10));
        await WaitForAttemptsAsync(app, msg, 2);
        _host.Advance(TimeSpan.FromSeconds(20));
        await WaitForAttemptsAsync(app, msg, 3);
        var destination = await Eventually.WaitAsync(() => DestinationAsync(app, msg), d => d["statusText"]!.GetValue<string>() == "fail");
        Assert.Null(destination["nextAttempt"]);
        // A sentinel whose first attempt fails waits in the queue for its retry, as a (wrong) fourth attempt would.
        // Once the clock jump has brought that retry, the queue has been claimed at the new time.
        string sentinel = await _host.SendAsync(app, "payment.succeeded", new { orderId = "sentinel" });
        await WaitForAttemptsAsync(app, sentinel, 1);
        _host.Advance(TimeSpan.FromHours(1));
        await WaitForAttemptsAsync(app, sentinel, 2);
        Assert.Equal("fail", (await DestinationAsync(app, msg))["statusText"]!.GetValue<string>());
        Assert.Equal(3, (await _host.GetAsync($"/api/v1/app/{app}/attempt/msg/{msg}"))["data"]!.AsArray().Count);
        Assert.Equal(3, _receiver.Received.Count(r => r.Header("webhook-id") == msg));
    }

    [Fact]
    public async Task An_endpoint_failing_longer_than_the_limit_is_disabled()
    {
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        var (app, msg) = await StartAndSendAsync(new()
        {
            ["Herald:Delivery:DisableAfterFailingFor"] = "00:01:00",
            ["Herald:Delivery:RetrySchedule:0"] = "00:00:40",
            ["Herald:Delivery:RetrySchedule:1"] = "00:00:40",
            ["Herald:Delivery:RetrySchedule:2"] = "00:00:40",
            ["Herald:Delivery:RetryJitter"] = "0",
        });
        string endpoint = (await _host!.GetAsync($"/api/v1/app/{app}/endpoint"))["data"]![0]!["id"]!.GetValue<string>();
        await WaitForAttemptsAsync(app, msg, 1);
        _host.Advance(TimeSpan.FromSeconds(40));
        await WaitForAttemptsAsync(app, msg, 2);
        Assert.False((await _host.GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}"))["disabled"]!.GetValue<bool>());
        _host.Advance(TimeSpan.FromSeconds(40));
        await WaitForAttemptsAsync(app, msg, 3);
        var ep = await Eventually.WaitAsync(() => _host.GetAsync($"/api/v1/app/{app}/endpoint/{endpoint}"), e => e["disabled"]!.GetValue<bool>());
        Assert.Contains("failed", ep["disabledReason"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
