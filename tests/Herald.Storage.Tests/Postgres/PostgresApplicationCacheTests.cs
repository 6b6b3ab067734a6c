using Herald.Ids;
using Herald.Model;
using Herald.Storage.Postgres;

namespace Herald.Storage.Tests.Postgres;

/// <summary>Each node caches applications: its own changes show at once, another node's within the maximum age.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresApplicationCacheTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_change_shows_at_once_on_its_own_node_and_within_the_maximum_age_on_another()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Uid = "cached-shop", Name = "Shop", CreatedAt = T0, UpdatedAt = T0 };
        await a.CreateApplicationAsync(app, Ct);
        // Both nodes read it (by id and by uid) and so cache it.
        Assert.Equal("Shop", (await a.GetApplicationAsync(app.Id, Ct))!.Name);
        Assert.Equal("Shop", (await b.GetApplicationAsync(app.Id, Ct))!.Name);
        Assert.Equal(app.Id, (await b.GetApplicationAsync("cached-shop", Ct))!.Id);

        await a.UpdateApplicationAsync(app with { Name = "Renamed shop", UpdatedAt = T0.AddMinutes(1) }, Ct);
        var changed = DateTimeOffset.UtcNow;
        Assert.Equal("Renamed shop", (await a.GetApplicationAsync(app.Id, Ct))!.Name); // its own write: at once
        await SeenWithinMaxAgeAsync(b, app.Id, changed, x => x?.Name == "Renamed shop");

        await a.DeleteApplicationAsync(app.Id, Ct);
        changed = DateTimeOffset.UtcNow;
        Assert.Null(await a.GetApplicationAsync(app.Id, Ct));
        Assert.Null(await a.GetApplicationAsync("cached-shop", Ct));
        await SeenWithinMaxAgeAsync(b, "cached-shop", changed, x => x is null);
    }

    /// <summary>Polls <paramref name="store"/> until the application matches; fails if that took longer than the maximum age (and some slack).</summary>
    private static async Task SeenWithinMaxAgeAsync(PostgresStore store, string idOrUid, DateTimeOffset changed, Func<Application?, bool> seen)
    {
        while (!seen(await store.GetApplicationAsync(idOrUid, Ct)))
        {
            Assert.True(DateTimeOffset.UtcNow - changed < PostgresStore.ApplicationMaxAge + TimeSpan.FromSeconds(5), $"{idOrUid} still stale after {DateTimeOffset.UtcNow - changed}");
            await Task.Delay(50);
        }
    }
}
