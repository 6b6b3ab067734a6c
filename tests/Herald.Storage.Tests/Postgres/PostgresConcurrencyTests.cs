using System.Collections.Concurrent;
using Herald.Ids;
using Herald.Model;
using Herald.Storage.Postgres;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Herald.Storage.Tests.Postgres;

/// <summary>Several Herald nodes (store instances) working on one database at the same time.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrencyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ConcurrentClaims_FromThreeNodes_NeverHandTheSameDeliveryToTwo()
    {
        var stores = new[] { new PostgresStore(database.ConnectionString), new PostgresStore(database.ConnectionString), new PostgresStore(database.ConnectionString) };
        try
        {
            await stores[0].InitializeAsync(Ct);
            int queued = await QueueAsync(stores[0], endpoints: 20, messages: 100);
            Assert.Equal(2_000, queued);

            var claims = new ConcurrentBag<long>();
            using var start = new Barrier(stores.Length);
            await Task.WhenAll(stores.Select(store => Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                while (true)
                {
                    var batch = await store.ClaimDueAsync(T0.AddMinutes(1), TimeSpan.FromMinutes(5), 25, [], Ct);
                    if (batch.Count == 0)
                    {
                        return;
                    }
                    foreach (var due in batch)
                    {
                        claims.Add(due.DeliveryId);
                    }
                }
            })));

            Assert.Equal(2_000, claims.Count);
            Assert.Equal(2_000, claims.Distinct().Count());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ConcurrentStartup_OfFourNodes_MigratesOnce()
    {
        string fresh = await PostgresServer.CreateDatabaseAsync("init");
        try
        {
            var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(fresh)).ToList();
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct))));
            await stores[3].PingAsync(Ct);
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            await using var dataSource = NpgsqlDataSource.Create(fresh);
            // Each migration ran exactly once: one row per version, 1..n without gaps or repeats.
            await using var versions = dataSource.CreateCommand("SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_version");
            await using var reader = await versions.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetInt64(0) >= 2);
            Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
            Assert.Equal(reader.GetInt64(0), reader.GetInt32(2));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(fresh);
        }
    }

    [Fact]
    public async Task A_restarted_node_releases_its_own_leases_at_once_and_leaves_the_other_nodes_alone()
    {
        string fresh = await PostgresServer.CreateDatabaseAsync("nodes");
        try
        {
            var lease = TimeSpan.FromMinutes(5);
            var restart = T0.AddSeconds(10);
            await using var a = new PostgresStore(fresh, TimeProvider.System, "node-a");
            await using var b = new PostgresStore(fresh, TimeProvider.System, "node-b");
            await a.InitializeAsync(Ct);
            await b.InitializeAsync(Ct);
            Assert.Equal(4, await QueueAsync(a, endpoints: 1, messages: 4));
            var heldByA = await a.ClaimDueAsync(T0, lease, 2, [], Ct);
            var heldByB = await b.ClaimDueAsync(T0, lease, 2, [], Ct);
            var claimTimeout = TimeSpan.FromMinutes(1);
            Assert.Equal(IdempotencyClaimState.Claimed, (await a.ClaimIdempotencyKeyAsync("app|order-a", "AA", T0, T0.AddHours(-12), claimTimeout, Ct)).State);
            Assert.Equal(IdempotencyClaimState.Claimed, (await b.ClaimIdempotencyKeyAsync("app|order-b", "BB", T0, T0.AddHours(-12), claimTimeout, Ct)).State);

            await using var aRestarted = new PostgresStore(fresh, new FakeTimeProvider(restart), "node-a");
            await aRestarted.InitializeAsync(Ct);

            var due = await b.ClaimDueAsync(restart, lease, 10, [], Ct);
            Assert.Equal(heldByA.Select(d => d.DeliveryId).Order(), due.Select(d => d.DeliveryId).Order());
            Assert.Equal(2, heldByB.Count);
            // The key node-a's request held is free for the client's retry at once; node-b's request still holds its own.
            Assert.Equal(IdempotencyClaimState.Claimed, (await b.ClaimIdempotencyKeyAsync("app|order-a", "AA", restart, T0.AddHours(-12), claimTimeout, Ct)).State);
            Assert.Equal(IdempotencyClaimState.InProgress, (await aRestarted.ClaimIdempotencyKeyAsync("app|order-b", "BB", restart, T0.AddHours(-12), claimTimeout, Ct)).State);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(fresh);
        }
    }

    [Fact]
    public async Task ConcurrentMessages_ShareTransactions_AndEachIsAnsweredOnlyOnceCommitted()
    {
        // A database of its own: the messages are due, and the other tests here claim whatever is due in theirs.
        string fresh = await PostgresServer.CreateDatabaseAsync("group");
        try
        {
            await SendConcurrentlyAsync(fresh);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(fresh);
        }
    }

    private static async Task SendConcurrentlyAsync(string connectionString)
    {
        await using var store = new PostgresStore(connectionString);
        await store.InitializeAsync(Ct);
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "group commit", CreatedAt = T0, UpdatedAt = T0 };
        await store.CreateApplicationAsync(app, Ct);
        await store.CreateEndpointAsync(new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = app.Id, Url = "https://sink.example/", Secret = "whsec_x", CreatedAt = T0, UpdatedAt = T0,
        }, Ct);
        await using var observer = NpgsqlDataSource.Create(connectionString);

        const int count = 400;
        var answered = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            var at = T0.AddMilliseconds(i);
            var message = new Message { Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = "invoice.paid", Payload = "{}", CreatedAt = at };
            int deliveries = await store.CreateMessageAsync(message, null, null, Ct);
            // Answered: committed, so visible to any other connection.
            await using var seen = observer.CreateCommand("SELECT COUNT(*) FROM messages WHERE id = $1");
            seen.Parameters.AddWithValue(message.Id);
            return (deliveries, visible: (long)(await seen.ExecuteScalarAsync())!);
        })));

        Assert.All(answered, a => Assert.Equal((1, 1L), a));
        // Rows written by one transaction share its xmin: fewer transactions than messages means commits were shared.
        await using var transactions = observer.CreateCommand("SELECT COUNT(*), COUNT(DISTINCT xmin::text) FROM messages WHERE app_id = $1");
        transactions.Parameters.AddWithValue(app.Id);
        await using var reader = await transactions.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(count, reader.GetInt64(0));
        Assert.InRange(reader.GetInt64(1), 1, count / 2);
    }

    [Fact]
    public async Task TryRunExclusive_RunsTheWorkOnOnlyOneNodeAtATime()
    {
        await using var first = new PostgresStore(database.ConnectionString);
        await using var second = new PostgresStore(database.ConnectionString);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const long key = 4242;

        var running = first.TryRunExclusiveAsync(key, async _ =>
        {
            holding.SetResult();
            await finish.Task;
        }, Ct);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(10));
        bool ranWhileHeld = false;
        bool secondGotIt = await second.TryRunExclusiveAsync(key, _ => { ranWhileHeld = true; return Task.CompletedTask; }, Ct);
        finish.SetResult();

        Assert.True(await running);
        Assert.False(secondGotIt);
        Assert.False(ranWhileHeld);
        Assert.True(await second.TryRunExclusiveAsync(key, _ => Task.CompletedTask, Ct));
    }

    /// <summary>Creates one app with <paramref name="endpoints"/> endpoints and sends <paramref name="messages"/> messages to all.</summary>
    internal static async Task<int> QueueAsync(IHeraldStore store, int endpoints, int messages)
    {
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "load", CreatedAt = T0, UpdatedAt = T0 };
        await store.CreateApplicationAsync(app, Ct);
        for (int i = 0; i < endpoints; i++)
        {
            await store.CreateEndpointAsync(new Endpoint
            {
                Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = app.Id, Url = $"https://sink.example/{i}", Secret = "whsec_x", CreatedAt = T0, UpdatedAt = T0,
            }, Ct);
        }
        int queued = 0;
        for (int i = 0; i < messages; i++)
        {
            var message = new Message { Id = HeraldId.New(HeraldId.Message, T0), AppId = app.Id, EventType = "invoice.paid", Payload = "{}", CreatedAt = T0 };
            queued += await store.CreateMessageAsync(message, null, null, Ct);
        }
        return queued;
    }
}
