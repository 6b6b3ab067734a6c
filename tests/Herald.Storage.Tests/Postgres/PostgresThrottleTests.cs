using Herald.Storage.Postgres;

namespace Herald.Storage.Tests.Postgres;

/// <summary>The cluster-wide throttle: nodes sharing a database share each endpoint's budget per second.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresThrottleTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Two_nodes_share_one_budget_per_endpoint_and_second()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);

        var at = T0.AddMilliseconds(300);
        var answers = new List<DateTimeOffset?>();
        for (int i = 0; i < 3; i++)
        {
            answers.Add(await a.TryTakeAsync("ep_one", 5, at, Ct));
            answers.Add(await b.TryTakeAsync("ep_one", 5, at, Ct));
        }
        Assert.Equal(5, answers.Count(x => x is null));
        Assert.Equal(T0.AddSeconds(1), answers[^1]); // the sixth send of the second waits for the next one
        Assert.Equal(T0.AddSeconds(1), await a.TryTakeAsync("ep_one", 5, at.AddMilliseconds(600), Ct));

        Assert.Null(await b.TryTakeAsync("ep_other", 5, at, Ct)); // another endpoint has its own budget
        Assert.Null(await b.TryTakeAsync("ep_one", 5, T0.AddSeconds(1), Ct)); // and a new second a new one
    }

    [Fact]
    public async Task Concurrent_takes_never_grant_more_than_the_budget()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await using var b = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);
        var at = T0.AddMinutes(5);
        var takes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).TryTakeAsync("ep_busy", 7, at, Ct)));
        Assert.Equal(7, takes.Count(x => x is null));
    }

    [Fact]
    public async Task Old_seconds_are_cleared_by_later_takes()
    {
        await using var a = new PostgresStore(database.ConnectionString);
        await a.InitializeAsync(Ct);
        for (int s = 0; s < 5; s++)
        {
            Assert.Null(await a.TryTakeAsync("ep_old", 1, T0.AddHours(1).AddSeconds(s), Ct));
        }
        Assert.Null(await a.TryTakeAsync("ep_old", 1, T0.AddHours(2), Ct));
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM throttle_budget WHERE endpoint_id = 'ep_old'", connection);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }
}
