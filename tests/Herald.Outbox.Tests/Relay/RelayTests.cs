using Herald.Outbox.Relay;
using Herald.Outbox.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Outbox.Tests.Relay;

/// <summary>What the relay promises, on every database the outbox supports.</summary>
public abstract class RelayTests(OutboxProvider provider)
{
    [Fact]
    public async Task A_row_enqueued_in_a_transaction_that_rolls_back_is_never_sent()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        var outbox = new HeraldOutbox();
        await using (var connection = await db.OpenAsync())
        {
            await using (var rolledBack = await connection.BeginTransactionAsync())
            {
                await outbox.EnqueueAsync(rolledBack, "shop_1", "payment.succeeded", Payloads.Payment("pay_rolled_back"), "pay_rolled_back");
                await rolledBack.RollbackAsync();
            }
            await using var committed = await connection.BeginTransactionAsync();
            await outbox.EnqueueAsync(committed, "shop_1", "payment.succeeded", Payloads.Payment("pay_committed"), "pay_committed");
            await committed.CommitAsync();
        }

        var relay = Relays.Create(db, herald.Client, TimeProvider.System);
        Assert.Equal(1, await relay.DrainAsync());

        Assert.Equal(["pay_committed"], await herald.EventIdsAsync("shop_1"));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox"));
    }

    [Fact]
    public async Task Herald_away_for_a_while_then_back_everything_arrives_once_in_order_per_application()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = meters.GetRequiredService<IMeterFactory>();
        using var collector = new MetricCollector<long>(meterFactory, OutboxMetrics.MeterName, "herald.outbox.failures");
        var outbox = new HeraldOutbox(time);
        string[] apps = ["shop_1", "shop_2", "shop_3"];
        foreach (var app in apps)
        {
            await herald.CreateApplicationAsync(app);
        }
        var relay = Relays.Create(db, herald.Client, time, new OutboxMetrics(meterFactory), o =>
        {
            o.RetryDelay = TimeSpan.FromSeconds(1);
            o.MaxRetryDelay = TimeSpan.FromSeconds(8);
        });
        var expected = apps.ToDictionary(a => a, _ => new List<string>());
        async Task EnqueueAsync(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                foreach (var app in apps)
                {
                    string id = $"{app}-pay-{i:D3}";
                    expected[app].Add(id);
                    await db.EnqueueAsync(outbox, (app, id));
                }
            }
        }

        await EnqueueAsync(0, 3);
        Assert.Equal(9, await relay.DrainAsync());

        await herald.StopServerAsync();
        await EnqueueAsync(3, 12);
        // Every application's head row fails and waits: 1 s, then 2 s, 4 s, 8 s, 8 s...
        Assert.Equal(0, await relay.RunRoundAsync(CancellationToken.None));
        Assert.Equal(3, collector.GetMeasurementSnapshot().Count);
        Assert.Equal(0, await relay.RunRoundAsync(CancellationToken.None));
        Assert.Equal(3, collector.GetMeasurementSnapshot().Count);
        for (int i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(8));
            Assert.Equal(0, await relay.RunRoundAsync(CancellationToken.None));
        }
        Assert.Equal(15, collector.GetMeasurementSnapshot().Count);
        Assert.Equal(27, await db.PendingAsync());
        Assert.Equal(5, await db.ScalarAsync("SELECT MAX(attempts) FROM herald_outbox"));

        await herald.StartServerAsync();
        Assert.Equal(0, await relay.RunRoundAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(27, await relay.DrainAsync());

        foreach (var app in apps)
        {
            Assert.Equal(expected[app], await herald.EventIdsAsync(app));
        }
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox"));
    }

    [Fact]
    public async Task A_committed_row_is_sent_exactly_once_even_when_the_relay_is_killed_after_sending_and_before_marking()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        await db.EnqueueAsync(new HeraldOutbox(), ("shop_1", "pay_1"), ("shop_1", "pay_2"));

        await using (var doomed = RelayProcess.Start(db, herald, hangAfterSend: true))
        {
            await doomed.WaitForLineAsync("sent hob_");
            await doomed.KillAsync();
        }
        // Herald has the first message; the outbox does not know yet.
        Assert.Equal(["pay_1"], await herald.EventIdsAsync("shop_1"));
        Assert.Equal(2, await db.PendingAsync());

        await using (var next = RelayProcess.Start(db, herald, hangAfterSend: false))
        {
            await Eventually.WaitAsync(db.PendingAsync, n => n == 0, TimeSpan.FromSeconds(60), "the restarted relay to send the rows");
        }
        Assert.Equal(["pay_1", "pay_2"], await herald.EventIdsAsync("shop_1"));
    }

    [Fact]
    public async Task Archived_rows_keep_the_message_id_and_are_not_sent_again()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        await db.EnqueueAsync(new HeraldOutbox(), ("shop_1", "pay_1"), ("shop_1", "pay_2"));
        var relay = Relays.Create(db, herald.Client, TimeProvider.System, configure: o => o.SentRows = OutboxSentRows.Archive);

        Assert.Equal(2, await relay.DrainAsync());
        Assert.Equal(0, await relay.DrainAsync());

        Assert.Equal(["pay_1", "pay_2"], await herald.EventIdsAsync("shop_1"));
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox WHERE sent_at IS NOT NULL AND message_id LIKE 'msg_%'"));
    }

    [Fact]
    public async Task Archived_rows_are_deleted_once_older_than_the_retention()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var outbox = new HeraldOutbox(time);
        var relay = Relays.Create(db, herald.Client, time, configure: o =>
        {
            o.SentRows = OutboxSentRows.Archive;
            o.ArchiveRetention = TimeSpan.FromHours(1);
        });
        await db.EnqueueAsync(outbox, ("shop_1", "pay_old"));
        Assert.Equal(1, await relay.DrainAsync());

        time.Advance(TimeSpan.FromMinutes(50));
        await db.EnqueueAsync(outbox, ("shop_1", "pay_new"));
        Assert.Equal(1, await relay.DrainAsync());
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox"));

        time.Advance(TimeSpan.FromMinutes(20));
        await relay.RunRoundAsync(CancellationToken.None);

        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox WHERE event_id = 'pay_old'"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox WHERE event_id = 'pay_new'"));
    }

    [Fact]
    public async Task A_row_Herald_refuses_is_kept_as_failed_and_the_application_goes_on()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        var outbox = new HeraldOutbox();
        await db.EnqueueAsync(outbox, ("shop_1", "pay_1"));
        await using (var connection = await db.OpenAsync())
        {
            // Larger than Herald's payload limit (1 MiB by default): a 413 that no retry would change.
            await using var tx = await connection.BeginTransactionAsync();
            var huge = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["blob"] = new string('x', 1100 * 1024) });
            await outbox.EnqueueAsync(tx, "shop_1", "payment.succeeded", huge, "pay_huge");
            await tx.CommitAsync();
        }
        await db.EnqueueAsync(outbox, ("shop_1", "pay_3"));

        Assert.Equal(2, await Relays.Create(db, herald.Client, TimeProvider.System).DrainAsync());

        Assert.Equal(["pay_1", "pay_3"], await herald.EventIdsAsync("shop_1"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM herald_outbox WHERE failed_at IS NOT NULL AND event_id = 'pay_huge' AND last_error LIKE '%413%'"));
    }

    [Fact]
    public async Task A_row_whose_event_id_Herald_already_has_is_marked_sent_with_that_message()
    {
        await using var herald = await HeraldHost.StartAsync();
        await using var db = await OutboxDatabase.CreateAsync(provider);
        await herald.CreateApplicationAsync("shop_1");
        // As if an earlier send succeeded and Herald has since forgotten its idempotency key.
        var first = await herald.Client.Messages.CreateAsync("shop_1", new Client.MessageIn { EventType = "payment.succeeded", EventId = "pay_1", Payload = Payloads.Payment("pay_1") });
        await db.EnqueueAsync(new HeraldOutbox(), ("shop_1", "pay_1"));

        Assert.Equal(1, await Relays.Create(db, herald.Client, TimeProvider.System, configure: o => o.SentRows = OutboxSentRows.Archive).DrainAsync());

        Assert.Equal(["pay_1"], await herald.EventIdsAsync("shop_1"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM herald_outbox WHERE message_id = '{first.Id}'"));
    }
}

public sealed class SqliteRelayTests() : RelayTests(OutboxProvider.Sqlite);

public sealed class PostgresRelayTests() : RelayTests(OutboxProvider.PostgreSql);
