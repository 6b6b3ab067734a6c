using System.Collections.Concurrent;
using Herald.Outbox.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Herald.Outbox.Tests.Relay;

public sealed class TwoRelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_relays_on_PostgreSQL_never_send_a_row_twice_and_keep_each_applications_order()
    {
        var posts = new ConcurrentDictionary<string, int>();
        await using var herald = await HeraldHost.StartAsync(c => c.AddHttpMessageHandler(() => new CountingHandler(posts)));
        await using var db = await OutboxDatabase.CreateAsync(OutboxProvider.PostgreSql);
        string[] apps = ["shop_1", "shop_2", "shop_3", "shop_4"];
        foreach (var app in apps)
        {
            await herald.CreateApplicationAsync(app);
        }
        var expected = apps.ToDictionary(a => a, a => Enumerable.Range(0, 30).Select(i => $"{a}-pay-{i:D3}").ToList());
        await db.EnqueueAsync(new HeraldOutbox(), [.. Enumerable.Range(0, 30).SelectMany(i => apps.Select(a => (a, expected[a][i])))]);
        posts.Clear();

        var relays = new[] { Relays.Create(db, herald.Client, TimeProvider.System), Relays.Create(db, herald.Client, TimeProvider.System) };
        var sent = await Task.WhenAll(relays.Select(r => Task.Run(async () =>
        {
            int total = 0;
            while (await db.PendingAsync() > 0)
            {
                total += await r.RunRoundAsync(CancellationToken.None);
            }
            return total;
        })));
        output.WriteLine($"rows sent by each relay: {string.Join(", ", sent)}");

        Assert.Equal(120, sent.Sum());
        Assert.Equal(120, posts.Count);
        Assert.All(posts, p => Assert.Equal(1, p.Value));
        foreach (var app in apps)
        {
            Assert.Equal(expected[app], await herald.EventIdsAsync(app));
        }
    }

    /// <summary>Counts message creates per Idempotency-Key, i.e. per outbox row.</summary>
    private sealed class CountingHandler(ConcurrentDictionary<string, int> posts) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/msg", StringComparison.Ordinal))
            {
                posts.AddOrUpdate(request.Headers.GetValues("Idempotency-Key").Single(), 1, (_, n) => n + 1);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
