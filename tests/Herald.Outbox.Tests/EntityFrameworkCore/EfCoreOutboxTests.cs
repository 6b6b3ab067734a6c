using Herald.Outbox.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Herald.Outbox.Tests.EntityFrameworkCore;

/// <summary>The outbox row is part of the DbContext's SaveChanges: written with the business rows or not at all.</summary>
public abstract class EfCoreOutboxTests(OutboxProvider provider)
{
    [Fact]
    public async Task The_row_is_saved_and_sent_with_the_payment_and_a_failed_SaveChanges_sends_nothing()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider, withSchema: false);
        await herald.CreateApplicationAsync("shop_1");
        await using (var context = NewContext(db))
        {
            await context.Database.EnsureCreatedAsync();
            context.Payments.Add(new Payment { Id = "pay_1", OrderId = "12345", Amount = 2700 });
            context.HeraldOutbox().Enqueue("shop_1", "payment.succeeded", Payloads.Payment("pay_1"), "pay_1");
            await context.SaveChangesAsync();
        }
        await using (var context = NewContext(db))
        {
            // The same payment id again: the insert fails, and the outbox row with it.
            context.Payments.Add(new Payment { Id = "pay_1", OrderId = "12346", Amount = 100 });
            context.HeraldOutbox().Enqueue("shop_1", "payment.succeeded", Payloads.Payment("pay_dup"), "pay_dup");
            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        }
        await using (var context = NewContext(db))
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            context.Payments.Add(new Payment { Id = "pay_2", OrderId = "12347", Amount = 500 });
            context.HeraldOutbox().Enqueue("shop_1", "payment.succeeded", Payloads.Payment("pay_2"), "pay_2");
            await context.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        // The relay's own schema step accepts the table EF made.
        await using (var connection = await db.OpenAsync())
        {
            await HeraldOutboxSchema.EnsureCreatedAsync(connection);
        }

        Assert.Equal(1, await Relays.Create(db, herald.Client, TimeProvider.System).DrainAsync());

        Assert.Equal(["pay_1"], await herald.EventIdsAsync("shop_1"));
    }

    [Fact]
    public async Task Rows_added_with_ADO_NET_and_with_EF_Core_share_one_table_and_one_order()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        await db.EnqueueAsync(new HeraldOutbox(), ("shop_1", "pay_1"));
        await using (var context = NewContext(db))
        {
            context.HeraldOutbox().Enqueue("shop_1", "payment.succeeded", Payloads.Payment("pay_2"), "pay_2");
            await context.SaveChangesAsync();
        }

        Assert.Equal(2, await Relays.Create(db, herald.Client, TimeProvider.System).DrainAsync());

        Assert.Equal(["pay_1", "pay_2"], await herald.EventIdsAsync("shop_1"));
    }

    private ShopContext NewContext(OutboxDatabase db)
    {
        var options = new DbContextOptionsBuilder<ShopContext>();
        if (provider == OutboxProvider.Sqlite)
        {
            options.UseSqlite(db.ConnectionString);
        }
        else
        {
            options.UseNpgsql(db.ConnectionString);
        }
        return new ShopContext(options.Options);
    }
}

public sealed class SqliteEfCoreOutboxTests() : EfCoreOutboxTests(OutboxProvider.Sqlite);

public sealed class PostgresEfCoreOutboxTests() : EfCoreOutboxTests(OutboxProvider.PostgreSql);

public sealed class Payment
{
    public string Id { get; set; } = "";
    public string OrderId { get; set; } = "";
    public long Amount { get; set; }
}

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Payment> Payments => Set<Payment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddHeraldOutbox();
}
