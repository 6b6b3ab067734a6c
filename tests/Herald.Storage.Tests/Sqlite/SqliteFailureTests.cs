using Herald.Ids;
using Herald.Model;
using Herald.Storage.Sqlite;
using Herald.Testing;

namespace Herald.Storage.Tests.Sqlite;

/// <summary>SQLite when the file cannot take writes (full, read-only) and after the process died.</summary>
public sealed class SqliteFailureTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private static async Task<Application> CreateAppAsync(IHeraldStore store)
    {
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "Corner Shop", Metadata = new Dictionary<string, string>(), CreatedAt = T0, UpdatedAt = T0 };
        await store.CreateApplicationAsync(app, Ct);
        return app;
    }

    private static Message NewMessage(string appId, int n, string payload) => new()
    {
        Id = HeraldId.New(HeraldId.Message, T0.AddMilliseconds(n)), AppId = appId, EventType = "invoice.paid", Payload = payload, CreatedAt = T0.AddMilliseconds(n),
    };

    [Fact]
    public async Task A_database_at_its_size_limit_refuses_writes_as_full_and_the_probe_says_so()
    {
        await using var store = new SqliteStore(_directory.File("full.db"), maxSizeBytes: 2 * 1024 * 1024);
        await store.InitializeAsync(Ct);
        var app = await CreateAppAsync(store);
        await store.ProbeWriteAsync(T0, Ct);
        string payload = $$"""{"blob":"{{new string('x', 60_000)}}"}""";

        var full = await Assert.ThrowsAsync<StoreUnavailableException>(async () =>
        {
            for (int n = 0; n < 1000; n++)
            {
                await store.CreateMessageAsync(NewMessage(app.Id, n, payload), null, null, Ct);
            }
        });

        Assert.True(full.Reason == StoreFailure.Full, full.ToString());
        Assert.Equal(StoreFailure.Full, (await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ProbeWriteAsync(T0.AddMinutes(1), Ct))).Reason);
        // Reads still work, and what was stored before is intact.
        Assert.NotEmpty((await store.ListMessagesAsync(app.Id, new MessageQuery { Page = new PageRequest(5) }, Ct)).Data);
    }

    [Fact]
    public async Task A_read_only_database_refuses_writes_as_read_only()
    {
        string path = _directory.File("ro.db");
        await using (var writable = new SqliteStore(path))
        {
            await writable.InitializeAsync(Ct);
            await CreateAppAsync(writable);
        }
        await using var store = new SqliteStore($"Data Source={path};Mode=ReadOnly");

        var probe = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ProbeWriteAsync(T0, Ct));
        var write = await Assert.ThrowsAsync<StoreUnavailableException>(() => CreateAppAsync(store));

        Assert.Equal(StoreFailure.ReadOnly, probe.Reason);
        Assert.Equal(StoreFailure.ReadOnly, write.Reason);
    }

    [Fact]
    public async Task A_restart_frees_idempotency_keys_left_in_progress_but_keeps_stored_answers()
    {
        string path = _directory.File("restart.db");
        var store = new SqliteStore(path);
        await store.InitializeAsync(Ct);
        var app = await CreateAppAsync(store);
        var lost = await store.ClaimIdempotencyKeyAsync("lost", "AA", T0, T0.AddHours(-1), TimeSpan.FromMinutes(1), Ct);
        var done = await store.ClaimIdempotencyKeyAsync("done", "AA", T0, T0.AddHours(-1), TimeSpan.FromMinutes(1), Ct);
        var message = NewMessage(app.Id, 1, "{}");
        await store.CreateMessageAsync(message, null, null, new IdempotencyCompletion("done", done.Token!, new StoredResponse("AA", 202, "{}", T0)), Ct);
        Assert.Equal(IdempotencyClaimState.Claimed, lost.State);
        await store.DisposeAsync();

        await using var restarted = new SqliteStore(path);
        await restarted.InitializeAsync(Ct);

        // Within the claim's timeout, yet free: its holder died with the process.
        Assert.Equal(IdempotencyClaimState.Claimed, (await restarted.ClaimIdempotencyKeyAsync("lost", "AA", T0.AddSeconds(1), T0.AddHours(-1), TimeSpan.FromMinutes(1), Ct)).State);
        Assert.Equal(IdempotencyClaimState.Completed, (await restarted.ClaimIdempotencyKeyAsync("done", "AA", T0.AddSeconds(1), T0.AddHours(-1), TimeSpan.FromMinutes(1), Ct)).State);
    }
}
