using Herald.Outbox.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Herald.Outbox.Tests.Enqueueing;

public sealed class EnqueueTests
{
    [Fact]
    public async Task What_Herald_would_refuse_fails_in_the_producers_transaction()
    {
        await using var db = await OutboxDatabase.CreateAsync(OutboxProvider.Sqlite);
        await using var connection = await db.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var outbox = new HeraldOutbox();
        var payload = Payloads.Payment("pay_1");

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(tx, "", "payment.succeeded", payload));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(tx, "shop_1", "payment succeeded", payload));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(tx, "shop_1", "payment.succeeded", payload, "pay/1"));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(tx, "shop_1", "payment.succeeded", System.Text.Json.JsonSerializer.SerializeToElement(new[] { 1, 2 })));
        long id = await outbox.EnqueueAsync(tx, "shop_1", "payment.succeeded", payload, "pay_1");
        await tx.CommitAsync();

        Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM herald_outbox WHERE id = {id} AND idempotency_key LIKE 'hob_%'"));
    }

    [Fact]
    public async Task Another_ADO_NET_provider_is_refused_with_the_ones_supported()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await tx.RollbackAsync();
        // A finished transaction has no connection any more.
        await Assert.ThrowsAsync<ArgumentException>(() => new HeraldOutbox().EnqueueAsync(tx, "shop_1", "payment.succeeded", Payloads.Payment("pay_1")));
    }
}
