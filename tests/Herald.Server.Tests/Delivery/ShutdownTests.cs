using Herald.Server.Tests.Infrastructure;
using Herald.Storage.Sqlite;
using Herald.Testing;

namespace Herald.Server.Tests.Delivery;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_finishes_the_delivery_in_flight_and_records_it()
    {
        using var dir = new TempDirectory();
        await using var receiver = await TestReceiver.StartAsync();
        var arrived = new TaskCompletionSource();
        receiver.Respond = async (ctx, _) =>
        {
            arrived.TrySetResult();
            await Task.Delay(700);
            await ctx.Response.WriteAsync("done");
        };
        string app, msg;
        var host = await HeraldHost.StartAsync(databasePath: dir.File("h.db"));
        try
        {
            app = await host.CreateAppAsync();
            await host.CreateEndpointAsync(app, receiver.Url());
            msg = await host.SendAsync(app, "a.b", new { });
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await host.DisposeAsync(); // graceful stop while the request is in flight
        }

        await using var store = new SqliteStore(dir.File("h.db"));
        var attempts = await store.ListAttemptsAsync(app, new Herald.Storage.AttemptQuery { Page = new(10), MsgId = msg }, CancellationToken.None);
        var attempt = Assert.Single(attempts.Data);
        Assert.Equal(200, attempt.ResponseStatusCode);
        Assert.Equal("done", attempt.Response);
    }
}
