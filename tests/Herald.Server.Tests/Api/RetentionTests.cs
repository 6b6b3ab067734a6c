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
}
