using Herald.Ids;
using Herald.Model;
using Herald.Storage.Postgres;
using Npgsql;

namespace Herald.Storage.Tests.Postgres;

/// <summary>A message fanned out while another node's result write is closing the endpoint's breaker.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBreakerRaceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_message_fanned_out_while_the_breaker_closes_waits_for_the_close_and_is_due_at_once()
    {
        string fresh = await PostgresServer.CreateDatabaseAsync("breakerrace");
        try
        {
            await using var store = new PostgresStore(fresh);
            await store.InitializeAsync(Ct);
            var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "race", CreatedAt = T0, UpdatedAt = T0 };
            await store.CreateApplicationAsync(app, Ct);
            var endpoint = new Endpoint
            {
                Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = app.Id, Url = "https://sink.example/", Secret = "whsec_x", CreatedAt = T0, UpdatedAt = T0,
            };
            await store.CreateEndpointAsync(endpoint, Ct);
            long probeAt = T0.AddMinutes(5).ToUnixTimeMilliseconds();
            await using var db = NpgsqlDataSource.Create(fresh);
            await using (var open = db.CreateCommand("UPDATE endpoints SET breaker_state = 1, breaker_failures = 5, breaker_opened_at = $2, breaker_probe_at = $3 WHERE id = $1"))
            {
                open.Parameters.AddWithValue(endpoint.Id);
                open.Parameters.AddWithValue(T0.ToUnixTimeMilliseconds());
                open.Parameters.AddWithValue(probeAt);
                await open.ExecuteNonQueryAsync();
            }

            // Another node's result write, closing the breaker: it holds the endpoint's row until it commits.
            await using var closer = await db.OpenConnectionAsync();
            await using var closing = await closer.BeginTransactionAsync();
            foreach (string sql in new[]
            {
                "SELECT 1 FROM endpoints WHERE id = $1 FOR UPDATE",
                "UPDATE endpoints SET breaker_state = 0, breaker_failures = 0, breaker_opened_at = NULL, breaker_probe_at = NULL WHERE id = $1",
            })
            {
                await using var close = new NpgsqlCommand(sql, closer, closing);
                close.Parameters.AddWithValue(endpoint.Id);
                await close.ExecuteNonQueryAsync();
            }

            var at = T0.AddSeconds(1);
            var message = new Message { Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = "invoice.paid", Payload = "{}", CreatedAt = at };
            var send = Task.Run(() => store.CreateMessageAsync(message, null, null, Ct));

            // The fan-out waits on the endpoint's row lock (seen in pg_stat_activity: the store's connections are the
            // ones named "herald"), rather than reading the breaker as open.
            var waited = await LockWaits.WaitForLockWaitAsync(db, send);
            Assert.True(waited, "the message was written without waiting for the breaker's close");
            await closing.CommitAsync();
            Assert.Equal(1, await send);

            await using var read = db.CreateCommand("SELECT status, next_attempt_at FROM deliveries WHERE msg_id = $1");
            read.Parameters.AddWithValue(message.Id);
            await using var reader = await read.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(((int)DeliveryStatus.Pending, at.ToUnixTimeMilliseconds()), (reader.GetInt32(0), reader.GetInt64(1)));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(fresh);
        }
    }
}
