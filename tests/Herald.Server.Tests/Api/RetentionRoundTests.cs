using Herald.Ids;
using Herald.Model;
using Herald.Server.Hosting;
using Herald.Server.Maintenance;
using Herald.Storage;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Api;

/// <summary>The maintenance round's schedule against a real SQLite file, with delete batches that take clock time.</summary>
public sealed class RetentionRoundTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_round_that_runs_out_of_time_is_followed_at_once_by_the_next()
    {
        var time = new FakeTimeProvider(T0.AddDays(1));
        await using var store = new SqliteStore(_directory.File("herald.db"), synchronousFull: false, time);
        await store.InitializeAsync(CancellationToken.None);
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "Shop", Metadata = new Dictionary<string, string>(), CreatedAt = T0, UpdatedAt = T0 };
        await store.CreateApplicationAsync(app, CancellationToken.None);
        for (int n = 0; n < 5; n++)
        {
            var at = T0.AddSeconds(n);
            await store.CreateMessageAsync(new Message { Id = HeraldId.New(HeraldId.Message, at), AppId = app.Id, EventType = "a.b", Payload = "{}", CreatedAt = at },
                null, null, CancellationToken.None);
        }
        // Each delete batch of one message takes 30 s of the one-minute round: the second one spends the round.
        var slow = new SlowDeletes(store, time, TimeSpan.FromSeconds(30));
        using var service = new MaintenanceService(
            slow, store, time, Options.Create(new HeraldOptions()), Options.Create(new MaintenanceOptions { Interval = TimeSpan.FromMinutes(1) }),
            Options.Create(new RetentionOptions { Period = TimeSpan.FromHours(1), BatchSize = 1 }), NullLogger<MaintenanceService>.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            // The clock moves in steps of a second, since the service's waits may start a moment after the test
            // saw what came before them; one step more cannot stand in for a whole interval's wait.
            await AdvanceUntilAsync(time, () => slow.Deletes >= 1); // the first round is due
            await AdvanceUntilAsync(time, () => slow.Deletes >= 2); // the pause after the first batch
            // The second batch ends the round with old messages left; the next round starts without the clock moving on.
            await Eventually.WaitAsync(() => Task.FromResult((slow.Rounds, slow.Deletes)), x => x is (2, 3));
            Assert.Equal(2, await CountMessagesAsync());
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done)
    {
        for (int step = 0; !done(); step++)
        {
            Assert.True(step < 300, "the maintenance service did not get on within five minutes of its clock");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
    }

    private async Task<long> CountMessagesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_directory.File("herald.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM messages";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The real store, with every delete batch moving the clock on as if it had taken <paramref name="took"/>.</summary>
    private sealed class SlowDeletes(IStoreMaintenance inner, FakeTimeProvider time, TimeSpan took) : IStoreMaintenance
    {
        private int _rounds;
        private int _deletes;

        public int Rounds => Volatile.Read(ref _rounds);

        public int Deletes => Volatile.Read(ref _deletes);

        public TimeSpan RetentionBatchTime => inner.RetentionBatchTime;

        public Task<int> ExpireAsync(DateTimeOffset now, DateTimeOffset idempotencyBefore, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _rounds);
            return inner.ExpireAsync(now, idempotencyBefore, cancellationToken);
        }

        public async Task<RetentionBatch> DeleteMessagesBeforeAsync(DateTimeOffset before, int maxMessages, CancellationToken cancellationToken)
        {
            var batch = await inner.DeleteMessagesBeforeAsync(before, maxMessages, cancellationToken);
            time.Advance(took);
            Interlocked.Increment(ref _deletes);
            return batch;
        }
    }
}
