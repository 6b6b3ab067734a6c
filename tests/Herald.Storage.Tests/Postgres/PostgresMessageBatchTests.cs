using Herald.Ids;
using Herald.Model;
using Herald.Storage.Postgres;
using Npgsql;

namespace Herald.Storage.Tests.Postgres;

/// <summary>What the set-based write of a batch of new messages must get right that the rows themselves show.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMessageBatchTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Concurrent_messages_to_ordered_endpoints_are_numbered_without_gaps_and_only_the_first_of_each_key_is_due()
    {
        await using var store = new PostgresStore(database.ConnectionString);
        await store.InitializeAsync(Ct);
        var app = await CreateAppAsync(store);
        var byKey = await CreateEndpointAsync(store, app.Id, OrderingMode.Key);
        var whole = await CreateEndpointAsync(store, app.Id, OrderingMode.Endpoint);
        var plain = await CreateEndpointAsync(store, app.Id, OrderingMode.None);

        const int count = 90;
        var written = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() =>
        {
            var at = T0.AddMilliseconds(i);
            return store.CreateMessageAsync(new Message
            {
                Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = "invoice.paid", Payload = "{}", CreatedAt = at, OrderingKey = $"key-{i % 3}",
            }, null, null, Ct);
        })));
        Assert.All(written, w => Assert.Equal(3, w));

        await using var db = NpgsqlDataSource.Create(database.ConnectionString);
        foreach (var (endpoint, keys) in new[] { (byKey, 3), (whole, 1) })
        {
            var rows = await ReadOrderedAsync(db, endpoint.Id);
            // One number per delivery, in one run: every batch took its own block of the endpoint's counter.
            Assert.Equal(Enumerable.Range(1, count).Select(n => (long)n), rows.Select(r => r.Seq).Order());
            foreach (var key in rows.GroupBy(r => r.Key))
            {
                // The lowest number of each key is due now; the others wait behind it, without a due time.
                var due = Assert.Single(key, r => r.Due);
                Assert.Equal(key.Min(r => r.Seq), due.Seq);
            }
            Assert.Equal(keys, rows.Select(r => r.Key).Distinct().Count());
        }
        var unordered = await ReadOrderedAsync(db, plain.Id);
        Assert.Equal(count, unordered.Count);
        Assert.All(unordered, r => Assert.Equal((0L, "", true), (r.Seq, r.Key, r.Due)));
    }

    [Fact]
    public async Task A_claim_taken_over_while_its_message_is_written_fails_that_message_alone_and_stores_nothing_of_it()
    {
        await using var store = new PostgresStore(database.ConnectionString);
        await store.InitializeAsync(Ct);
        var app = await CreateAppAsync(store);
        await CreateEndpointAsync(store, app.Id, OrderingMode.None);
        var claim = await store.ClaimIdempotencyKeyAsync("app|contested", "H1", T0, T0.AddHours(-12), TimeSpan.FromSeconds(1), Ct);

        // A retry's takeover of the key, not yet committed: the message's statement sees the claim as still its own,
        // inserts the message, then waits on the key's row and finds it taken over.
        await using var db = NpgsqlDataSource.Create(database.ConnectionString);
        await using var retry = await db.OpenConnectionAsync();
        await using var takeover = await retry.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("UPDATE idempotency SET token = 'retry', locked_until = $2 WHERE key = $1", retry, takeover))
        {
            take.Parameters.AddWithValue("app|contested");
            take.Parameters.AddWithValue(T0.AddSeconds(30).ToUnixTimeMilliseconds());
            await take.ExecuteNonQueryAsync();
        }
        var contested = NewMessage(app.Id, T0.AddSeconds(2));
        var send = store.CreateMessageAsync(contested, null, null, new IdempotencyCompletion("app|contested", claim.Token!, new StoredResponse("H1", 202, "{}", T0)), Ct);
        var neighbour = NewMessage(app.Id, T0.AddSeconds(3));
        var sendNeighbour = store.CreateMessageAsync(neighbour, null, null, Ct);

        Assert.True(await LockWaits.WaitForLockWaitAsync(db, send), "the message's write did not wait on the idempotency key's row");
        await takeover.CommitAsync();

        await Assert.ThrowsAsync<IdempotencyClaimLostException>(() => send);
        Assert.Equal(1, await sendNeighbour);
        Assert.Null(await store.GetMessageAsync(app.Id, contested.Id, Ct));
        Assert.NotNull(await store.GetMessageAsync(app.Id, neighbour.Id, Ct));
        await using var deliveries = db.CreateCommand("SELECT COUNT(*) FROM deliveries WHERE msg_id = $1");
        deliveries.Parameters.AddWithValue(contested.Id);
        Assert.Equal(0L, (long)(await deliveries.ExecuteScalarAsync())!);
        await using var key = db.CreateCommand("SELECT token, status_code FROM idempotency WHERE key = 'app|contested'");
        await using var reader = await key.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("retry", 0), (reader.GetString(0), reader.GetInt32(1))); // still the retry's claim
    }

    [Fact]
    public async Task A_message_the_server_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        await using var store = new PostgresStore(database.ConnectionString);
        await store.InitializeAsync(Ct);
        var app = await CreateAppAsync(store);
        await CreateEndpointAsync(store, app.Id, OrderingMode.None);

        // PostgreSQL's text cannot hold NUL: the message carrying it is refused before any statement, alone.
        var messages = Enumerable.Range(0, 40).Select(i => NewMessage(app.Id, T0.AddMilliseconds(i)) with { Payload = i == 17 ? "{\"a\":\"\0\"}" : "{}" }).ToList();
        var outcomes = await Task.WhenAll(messages.Select(async m =>
        {
            try
            {
                return (object)await store.CreateMessageAsync(m, null, null, Ct);
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));

        Assert.IsType<ArgumentException>(outcomes[17]);
        Assert.Equal(39, outcomes.Count(o => o is 1));
        Assert.Null(await store.GetMessageAsync(app.Id, messages[17].Id, Ct));
        foreach (var stored in messages.Where((_, i) => i != 17))
        {
            Assert.NotNull(await store.GetMessageAsync(app.Id, stored.Id, Ct));
        }
    }

    private static Message NewMessage(string appId, DateTimeOffset at) =>
        new() { Id = HeraldId.New(HeraldId.Message, at), AppId = appId, EventType = "invoice.paid", Payload = "{}", CreatedAt = at };

    private static async Task<Application> CreateAppAsync(PostgresStore store)
    {
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "batch", CreatedAt = T0, UpdatedAt = T0 };
        await store.CreateApplicationAsync(app, Ct);
        return app;
    }

    private static async Task<Endpoint> CreateEndpointAsync(PostgresStore store, string appId, OrderingMode ordering)
    {
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = appId, Url = "https://sink.example/", Secret = "whsec_x", Ordering = ordering,
            CreatedAt = T0, UpdatedAt = T0,
        };
        await store.CreateEndpointAsync(endpoint, Ct);
        return endpoint;
    }

    private static async Task<List<(long Seq, string Key, bool Due)>> ReadOrderedAsync(NpgsqlDataSource db, string endpointId)
    {
        await using var read = db.CreateCommand("SELECT COALESCE(ordering_seq, 0), COALESCE(ordering_key, ''), next_attempt_at IS NOT NULL FROM deliveries WHERE endpoint_id = $1");
        read.Parameters.AddWithValue(endpointId);
        await using var reader = await read.ExecuteReaderAsync();
        var rows = new List<(long, string, bool)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2)));
        }
        return rows;
    }
}
