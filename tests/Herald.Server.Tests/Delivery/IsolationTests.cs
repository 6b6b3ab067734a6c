using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Delivery;

public sealed class IsolationTests
{
    [Fact]
    public async Task A_hanging_endpoint_does_not_hold_back_a_healthy_one()
    {
        await using var healthy = await TestReceiver.StartAsync();
        await using var hanging = await TestReceiver.StartAsync();
        var release = new CancellationTokenSource();
        hanging.Respond = async (ctx, _) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, release.Token);
            }
            catch (OperationCanceledException)
            {
                ctx.Response.StatusCode = 503;
            }
        };
        await using var host = await HeraldHost.StartAsync(new()
        {
            ["Herald:Delivery:RequestTimeout"] = "00:01:00",
            ["Herald:Delivery:Lease"] = "00:02:00",
            ["Herald:Delivery:MaxInFlightPerEndpoint"] = "8",
            ["Herald:Delivery:BatchSize"] = "32",
        });
        string app = await host.CreateAppAsync();
        await host.CreateEndpointAsync(app, hanging.Url(), new { eventTypes = new[] { "slow.event" } });
        await host.CreateEndpointAsync(app, healthy.Url(), new { eventTypes = new[] { "fast.event" } });

        for (int i = 0; i < 100; i++)
        {
            await host.SendAsync(app, "slow.event", new { i });
        }
        await hanging.WaitForAsync(8);
        for (int i = 0; i < 200; i++)
        {
            await host.SendAsync(app, "fast.event", new { i });
        }
        // Every healthy delivery arrives while the hanging endpoint still holds all of its connections.
        await healthy.WaitForAsync(200, TimeSpan.FromSeconds(30));
        Assert.Equal(8, hanging.Count);
        Assert.False(release.IsCancellationRequested);
        await release.CancelAsync();
    }
}
