using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Observability;

public sealed class MetricsTests : IAsyncLifetime
{
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        _receiver.Respond = (ctx, request) =>
        {
            ctx.Response.StatusCode = request.Path switch { "/fail" => 500, "/gone" => 410, _ => 200 };
            return Task.CompletedTask;
        };
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Metrics_scraped_after_a_burst_match_the_numbers_in_the_database()
    {
        const int burst = 30;
        // The failing endpoint's breaker, once open, waits five minutes for its probe: nothing of it is due meanwhile.
        await using var host = await HeraldHost.StartAsync(new()
        {
            ["Herald:Delivery:RetrySchedule:0"] = "01:00:00",
            ["Herald:Delivery:Breaker:OpenInterval"] = "00:05:00",
        });
        string app = await host.CreateAppAsync();
        var (ok, _) = await host.CreateEndpointAsync(app, _receiver.Url("/ok"));
        var (failing, _) = await host.CreateEndpointAsync(app, _receiver.Url("/fail"));
        var (gone, _) = await host.CreateEndpointAsync(app, _receiver.Url("/gone"));
        await Task.WhenAll(Enumerable.Range(0, burst).Select(i => host.SendAsync(app, "order.paid", new { i })));

        // Settled: every delivery has left the "sending" state and has its outcome stored. Messages accepted after
        // the first 410 disabled the third endpoint are not fanned out to it, so its count may be below the burst.
        var stats = await Eventually.WaitAsync(
            async () => await Task.WhenAll(new[] { ok, failing, gone }.Select(e => host.GetAsync($"/api/v1/app/{app}/endpoint/{e}/stats"))),
            s => s[0]["success"]!.GetValue<long>() == burst && s[1]["pending"]!.GetValue<long>() == burst
                && s[2]["fail"]!.GetValue<long>() >= 1 && s[2]["pending"]!.GetValue<long>() == 0 && s[2]["sending"]!.GetValue<long>() == 0,
            TimeSpan.FromSeconds(30), "the burst to settle");
        long Sum(string field) => stats.Sum(s => s[field]!.GetValue<long>());
        int attempts = 0;
        int failingAttempts = 0;
        foreach (var endpoint in new[] { ok, failing, gone })
        {
            int count = (await host.GetAsync($"/api/v1/app/{app}/attempt/endpoint/{endpoint}?limit=250"))["data"]!.AsArray().Count;
            attempts += count;
            failingAttempts += endpoint == failing ? count : 0;
        }

        var metrics = await MetricsScrape.FetchAsync(host.Client);
        Assert.Equal(burst, metrics["herald_messages_ingested_total"]);
        Assert.Equal(Sum("success"), metrics["herald_deliveries_delivered_total"]);
        Assert.Equal(Sum("fail"), metrics["herald_deliveries_failed_total"]);
        // Each failed attempt of the failing endpoint scheduled a retry; once its circuit breaker opened, the rest of
        // its deliveries were held back without an attempt (still pending, not counted as retried).
        Assert.Equal(failingAttempts, metrics["herald_deliveries_retried_total"]);
        Assert.InRange(failingAttempts, 1, burst);
        Assert.Equal(Sum("pending") + Sum("sending"), metrics["herald_queue_depth"]);
        // The retries are due in an hour; the deliveries held behind the open breaker count from its probe time.
        Assert.Equal(0, metrics["herald_oldest_due_delivery_age_seconds"]);
        Assert.Equal(attempts, metrics["herald_attempts_total{result=\"success\"}"] + metrics["herald_attempts_total{result=\"failure\"}"]);
        Assert.Equal(burst, metrics["herald_attempts_total{result=\"success\"}"]);
        Assert.Equal(attempts, metrics["herald_delivery_duration_seconds_count"]);
        Assert.Equal(attempts, metrics["herald_delivery_duration_seconds_bucket{le=\"+Inf\"}"]);
        Assert.True(metrics["herald_delivery_duration_seconds_bucket{le=\"0.005\"}"] <= metrics["herald_delivery_duration_seconds_bucket{le=\"30\"}"]);
        Assert.Equal(1, metrics["herald_store_up"]);
        Assert.False(metrics.Has($"herald_endpoint_in_flight{{endpoint_id=\"{ok}\"}}")); // nothing in flight once settled
    }

    [Fact]
    public async Task Queue_depth_and_oldest_due_age_come_from_the_queue_when_no_dispatcher_runs()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        // An API-only node: no dispatcher runs, so deliveries stay queued.
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Roles"] = "api" }, time);
        string app = await host.CreateAppAsync();
        await host.CreateEndpointAsync(app, _receiver.Url("/ok"));
        await host.CreateEndpointAsync(app, _receiver.Url("/ok2"));
        await host.SendAsync(app, "order.paid", new { n = 1 });
        time.Advance(TimeSpan.FromSeconds(30));
        await host.SendAsync(app, "order.paid", new { n = 2 });
        time.Advance(TimeSpan.FromSeconds(60));

        var metrics = await MetricsScrape.FetchAsync(host.Client);
        Assert.Equal(4, metrics["herald_queue_depth"]);
        Assert.Equal(90, metrics["herald_oldest_due_delivery_age_seconds"]);
        Assert.Equal(2, metrics["herald_messages_ingested_total"]);
        Assert.Equal(0, metrics["herald_deliveries_delivered_total"]);
    }

    [Fact]
    public async Task A_slow_endpoint_shows_its_requests_in_flight()
    {
        var release = new TaskCompletionSource();
        _receiver.Respond = async (ctx, _) => await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync();
        var (slow, _) = await host.CreateEndpointAsync(app, _receiver.Url("/slow"));
        await host.SendAsync(app, "order.paid", new { n = 1 });
        await host.SendAsync(app, "order.paid", new { n = 2 });
        await _receiver.WaitForAsync(2);

        var metrics = await MetricsScrape.FetchAsync(host.Client);
        Assert.Equal(2, metrics[$"herald_endpoint_in_flight{{endpoint_id=\"{slow}\"}}"]);
        release.SetResult();
    }
}
