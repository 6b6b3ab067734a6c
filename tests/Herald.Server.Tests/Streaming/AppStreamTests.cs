using Herald.Ids;
using Herald.Model;
using Herald.Server.Tests.Infrastructure;
using Herald.Storage;

namespace Herald.Server.Tests.Streaming;

public sealed class AppStreamTests
{
    [Fact(Timeout = 30_000)]
    public async Task AdminToken_GetsEachMessageSentAfterConnecting()
    {
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        string before = await host.SendAsync(app, "order.created", new { n = 0 });

        await using var stream = await SseConnection.OpenAsync(host.Client.BaseAddress!.ToString(), "/api/v1/app/shop/stream", HeraldHost.Token);
        string first = await host.SendAsync(app, "order.paid", new { n = 1 });
        string second = await host.SendAsync(app, "order.shipped", new { n = 2 }, new { eventId = "evt-2", channels = new[] { "eu" } });

        var e1 = await stream.NextAsync();
        var e2 = await stream.NextAsync();
        Assert.Equal(first, e1.Id);
        Assert.Equal(first, e1.Data["id"]!.GetValue<string>());
        Assert.Equal("order.paid", e1.Data["eventType"]!.GetValue<string>());
        Assert.Equal(1, e1.Data["payload"]!["n"]!.GetValue<int>());
        Assert.Equal(second, e2.Id);
        Assert.Equal("evt-2", e2.Data["eventId"]!.GetValue<string>());
        Assert.Equal("eu", e2.Data["channels"]![0]!.GetValue<string>());
        Assert.NotEqual(before, e1.Id);
        await stream.AssertNextIsSentinelAsync(await host.SendAsync(app, "sentinel", new { }));
    }

    [Fact(Timeout = 30_000)]
    public async Task MessageCommittedAfterANewerOne_IsStillSent()
    {
        // Regression: the stream followed the newest id it had sent, so a message with an older id that committed
        // later (a concurrent request, another node) was never sent.
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        await using var stream = await SseConnection.OpenAsync(host.Client.BaseAddress!.ToString(), "/api/v1/app/shop/stream", HeraldHost.Token);
        await Task.Delay(600);
        string newer = await host.SendAsync(app, "order.paid", new { n = 1 });
        Assert.Equal(newer, (await stream.NextAsync()).Id);

        var createdAt = HeraldId.TimeOf(newer, HeraldId.Message)!.Value.AddMilliseconds(-300);
        // New() never goes backwards within one process; another node's id from that millisecond would.
        var late = new Message { Id = HeraldId.LowerBound(HeraldId.Message, createdAt), AppId = app, EventType = "order.late", Payload = "{}", CreatedAt = createdAt };
        Assert.True(string.CompareOrdinal(late.Id, newer) < 0);
        await host.Services.GetRequiredService<IHeraldStore>().CreateMessageAsync(late, createdAt.AddDays(1), null, CancellationToken.None);

        Assert.Equal(late.Id, (await stream.NextAsync()).Id);
        await stream.AssertNextIsSentinelAsync(await host.SendAsync(app, "sentinel", new { }));
    }

    [Fact(Timeout = 30_000)]
    public async Task LastEventId_ResumesAfterTheLastMessageSeen()
    {
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        string seen = await host.SendAsync(app, "a", new { n = 1 });
        string missed = await host.SendAsync(app, "b", new { n = 2 });

        await using var stream = await SseConnection.OpenAsync(host.Client.BaseAddress!.ToString(), "/api/v1/app/shop/stream", HeraldHost.Token, lastEventId: seen);

        Assert.Equal(missed, (await stream.NextAsync()).Id);
        await stream.AssertNextIsSentinelAsync(await host.SendAsync(app, "sentinel", new { }));
    }

    [Fact(Timeout = 30_000)]
    public async Task PortalToken_OfItsOwnApp_GetsEvents_ButNotAnotherAppsStream()
    {
        await using var host = await HeraldHost.StartAsync();
        string shop = await host.CreateAppAsync("Shop", "shop");
        await host.CreateAppAsync("Other", "other");
        string portalToken = (await host.PostAsync($"/api/v1/auth/app-portal-access/{shop}", new { }, 200))["token"]!.GetValue<string>();
        string baseUrl = host.Client.BaseAddress!.ToString();

        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/app/other/stream");
        other.Headers.Authorization = new("Bearer", portalToken);
        using var refused = await anonymous.SendAsync(other, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(401, (int)refused.StatusCode);

        await using var own = await SseConnection.OpenAsync(baseUrl, "/api/v1/app/shop/stream", portalToken);
        string msg = await host.SendAsync(shop, "order.paid", new { n = 1 });
        Assert.Equal(msg, (await own.NextAsync()).Id);
    }

    [Fact(Timeout = 30_000)]
    public async Task NoToken_Is401_AndUnknownApp_Is404()
    {
        await using var host = await HeraldHost.StartAsync();
        await host.CreateAppAsync("Shop", "shop");
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };

        using var noToken = await anonymous.GetAsync("/api/v1/app/shop/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(401, (int)noToken.StatusCode);
        Assert.Contains("authentication_failed", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var missing = await host.Client.GetAsync("/api/v1/app/nope/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task StoppingTheServer_EndsOpenStreams()
    {
        var host = await HeraldHost.StartAsync();
        await host.CreateAppAsync("Shop", "shop");
        var stream = await SseConnection.OpenAsync(host.Client.BaseAddress!.ToString(), "/api/v1/app/shop/stream", HeraldHost.Token);

        var stopping = host.DisposeAsync().AsTask();

        // Without ending the stream on shutdown, Kestrel waits for it until its shutdown timeout.
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        await stream.DisposeAsync();
    }
}
