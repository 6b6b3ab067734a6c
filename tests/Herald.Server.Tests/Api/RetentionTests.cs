using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Api;

public sealed class RetentionTests
{
    [Fact]
    public async Task Payloads_are_expunged_after_their_retention_period()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        await using var host = await HeraldHost.StartAsync(time: time);
        string app = await host.CreateAppAsync();
        string shortLived = await host.SendAsync(app, "a.b", new { card = "4242" }, new { payloadRetentionPeriod = 5 });
        string longLived = await host.SendAsync(app, "a.b", new { card = "1111" });

        time.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(2));
        await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/msg/{shortLived}"), m => m["payload"]!.AsObject().Count == 0);
        Assert.Equal("1111", (await host.GetAsync($"/api/v1/app/{app}/msg/{longLived}"))["payload"]!["card"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_older_than_the_retention_period_are_deleted_by_the_maintenance_round_and_newer_ones_kept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        await using var host = await HeraldHost.StartAsync(
            new() { ["Herald:Retention:Period"] = "1.00:00:00", ["Herald:Retention:BatchSize"] = "2" }, time);
        string app = await host.CreateAppAsync();
        var old = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            old.Add(await host.SendAsync(app, "a.b", new { n = i }));
        }
        time.Advance(TimeSpan.FromHours(23)); // the first round runs now and finds nothing old enough
        string recent = await host.SendAsync(app, "a.b", new { n = 5 });

        // Every poll moves the clock a minute on, so that the next round runs; five old messages take three batches.
        await Eventually.WaitAsync(async () =>
        {
            time.Advance(TimeSpan.FromMinutes(1));
            return (await host.GetAsync($"/api/v1/app/{app}/msg")).AsObject()["data"]!.AsArray().Count;
        }, count => count == 1, what: "the old messages deleted");

        foreach (var id in old)
        {
            await host.GetAsync($"/api/v1/app/{app}/msg/{id}", expectedStatus: 404);
        }
        await host.GetAsync($"/api/v1/app/{app}/msg/{recent}");
    }

    [Fact]
    public async Task A_retention_period_of_zero_keeps_messages_forever()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Retention:Period"] = "0" }, time);
        string app = await host.CreateAppAsync();
        string id = await host.SendAsync(app, "a.b", new { n = 1 }, new { payloadRetentionPeriod = 1 });

        time.Advance(TimeSpan.FromDays(400));
        // The round that runs now blanks the payload (its own retention) but keeps the message.
        await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/msg/{id}"), m => m["payload"]!.AsObject().Count == 0);
        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.WaitAsync(() => host.GetAsync($"/api/v1/app/{app}/msg/{id}"), m => m["payload"]!.AsObject().Count == 0);
    }

    [Fact]
    public void Delete_batches_are_sized_towards_the_time_the_store_gives_a_batch()
    {
        var target = TimeSpan.FromMilliseconds(20);
        // A batch of 100 that took four times too long halves and more; one that was quick grows, up to the maximum.
        Assert.Equal(62, Herald.Server.Maintenance.MaintenanceService.NextBatchSize(100, target * 4, target, 1000));
        Assert.Equal(300, Herald.Server.Maintenance.MaintenanceService.NextBatchSize(100, target / 5, target, 1000));
        Assert.Equal(1000, Herald.Server.Maintenance.MaintenanceService.NextBatchSize(900, target / 5, target, 1000));
        Assert.Equal(100, Herald.Server.Maintenance.MaintenanceService.NextBatchSize(100, target, target, 1000));
        // Never below one message, and a clock that did not move (a fake one) doubles the size.
        Assert.Equal(1, Herald.Server.Maintenance.MaintenanceService.NextBatchSize(1, target * 1000, target, 1000));
        Assert.Equal(4, Herald.Server.Maintenance.MaintenanceService.NextBatchSize(2, TimeSpan.Zero, target, 1000));
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("-1.00:00:00")]
    public async Task A_retention_period_below_a_minute_stops_the_start(string period)
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => HeraldHost.StartAsync(new() { ["Herald:Retention:Period"] = period }));
        Assert.Contains("Herald:Retention:Period", failure.Message, StringComparison.Ordinal);
    }
}
