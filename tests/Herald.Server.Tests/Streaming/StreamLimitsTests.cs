using System.Net;
using System.Net.Http.Headers;
using Herald.Server.Streaming;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Herald.Ids;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Tests.Streaming;

/// <summary>Live streams are bounded per application and per token, and one application's streams share one feed.</summary>
public sealed class StreamLimitsTests
{
    private static async Task<HttpStatusCode> TryOpenAsync(HeraldHost host, string path, string token)
    {
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.Contains("too_many_streams", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        return response.StatusCode;
    }

    [Fact(Timeout = 30_000)]
    public async Task An_application_holds_at_most_its_stream_limit_and_a_closed_stream_frees_its_place()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Limits:StreamsPerApp"] = "2" });
        string app = await host.CreateAppAsync("Shop", "shop");
        string baseUrl = host.Client.BaseAddress!.ToString();
        var first = await SseConnection.OpenAsync(baseUrl, "/api/v1/app/shop/stream", HeraldHost.Token);
        await using var second = await SseConnection.OpenAsync(baseUrl, "/api/v1/app/shop/stream", HeraldHost.Token);
        Assert.Equal(HttpStatusCode.TooManyRequests, await TryOpenAsync(host, "/api/v1/app/shop/stream", HeraldHost.Token));

        await first.DisposeAsync();
        await using var third = await Eventually.WaitAsync(
            async () => { try { return await SseConnection.OpenAsync(baseUrl, "/api/v1/app/shop/stream", HeraldHost.Token); } catch (Xunit.Sdk.FailException) { return null; } },
            c => c is not null, TimeSpan.FromSeconds(10), "a place to free up");
        string msg = await host.SendAsync(app, "order.paid", new { n = 1 });
        Assert.Equal(msg, (await third!.NextAsync()).Id);
        Assert.Equal(msg, (await second.NextAsync()).Id);
    }

    [Fact(Timeout = 30_000)]
    public async Task One_token_holds_at_most_its_stream_limit_across_applications()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Limits:StreamsPerToken"] = "2" });
        await host.CreateAppAsync("A", "a");
        await host.CreateAppAsync("B", "b");
        string shop = await host.CreateAppAsync("Shop", "shop");
        string baseUrl = host.Client.BaseAddress!.ToString();
        await using var a = await SseConnection.OpenAsync(baseUrl, "/api/v1/app/a/stream", HeraldHost.Token);
        await using var b = await SseConnection.OpenAsync(baseUrl, "/api/v1/app/b/stream", HeraldHost.Token);
        Assert.Equal(HttpStatusCode.TooManyRequests, await TryOpenAsync(host, "/api/v1/app/a/stream", HeraldHost.Token));
        // Another token has its own budget.
        string portal = (await host.PostAsync($"/api/v1/auth/app-portal-access/{shop}", new { }, 200))["token"]!.GetValue<string>();
        await using var c = await SseConnection.OpenAsync(baseUrl, "/api/v1/app/shop/stream", portal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Streams_of_one_application_share_one_feed_and_each_gets_every_message()
    {
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        string baseUrl = host.Client.BaseAddress!.ToString();
        var feeds = host.Services.GetRequiredService<AppMessageFeeds>();
        var streams = new List<SseConnection>();
        for (int i = 0; i < 5; i++)
        {
            streams.Add(await SseConnection.OpenAsync(baseUrl, "/api/v1/app/shop/stream", HeraldHost.Token));
        }
        Assert.Equal(1, feeds.RunningFeeds);
        string first = await host.SendAsync(app, "order.paid", new { n = 1 });
        string second = await host.SendAsync(app, "order.shipped", new { n = 2 });
        foreach (var stream in streams)
        {
            Assert.Equal(first, (await stream.NextAsync()).Id);
            Assert.Equal(second, (await stream.NextAsync()).Id);
        }
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
        await Eventually.WaitAsync(() => feeds.RunningFeeds == 0, TimeSpan.FromSeconds(10), "the feed to stop with its last stream");
    }

    [Fact(Timeout = 30_000)]
    public async Task Last_event_id_resumes_from_the_message_seen_however_long_ago()
    {
        // Regression: a reconnecting stream read only the last two seconds, so messages sent earlier were lost.
        await using var host = await HeraldHost.StartAsync();
        string app = await host.CreateAppAsync("Shop", "shop");
        var store = host.Services.GetRequiredService<IHeraldStore>();
        var now = DateTimeOffset.UtcNow;
        // Ids carry their creation time; these two were accepted a minute and thirty seconds ago.
        var seen = new Message { Id = HeraldId.LowerBound(HeraldId.Message, now.AddMinutes(-1)), AppId = app, EventType = "a", Payload = "{}", CreatedAt = now.AddMinutes(-1) };
        var missed = new Message { Id = HeraldId.LowerBound(HeraldId.Message, now.AddSeconds(-30)), AppId = app, EventType = "b", Payload = "{}", CreatedAt = now.AddSeconds(-30) };
        await store.CreateMessageAsync(seen, now.AddDays(1), null, CancellationToken.None);
        await store.CreateMessageAsync(missed, now.AddDays(1), null, CancellationToken.None);

        await using var stream = await SseConnection.OpenAsync(host.Client.BaseAddress!.ToString(), "/api/v1/app/shop/stream", HeraldHost.Token, lastEventId: seen.Id);
        Assert.Equal(missed.Id, (await stream.NextAsync()).Id);
        await stream.AssertNextIsSentinelAsync(await host.SendAsync(app, "sentinel", new { }));
    }
}
