using Herald.Ids;
using Herald.Model;
using Herald.Storage.Postgres;
using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace Herald.Storage.Tests.Postgres;

/// <summary>
/// The database goes away and comes back. Runs on its own PostgreSQL instance (scripts/postgres.sh with a
/// HERALD_PG_DIR of its own, another port), so stopping it cannot disturb any other test or process; the instance
/// is stopped and its folder deleted when the test class is done.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _dir = PostgresServer.NewInstanceDirectory("restart");
    private Dictionary<string, string> Instance => PostgresServer.InstanceEnvironment(_dir);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresServer.StopInstanceAsync(_dir);

    [Fact]
    public async Task StoppedServer_AnswersStoreUnavailable_AndEverythingRecoversAfterItsRestart()
    {
        string server = PostgresServer.ParseExport(await PostgresServer.RunScriptAsync("start", Instance));
        string database = await CreateDatabaseAsync(server);
        // Short timeouts: an unreachable database must turn into a quick 503, not a hanging request.
        string connectionString = new NpgsqlConnectionStringBuilder(database) { Timeout = 3, CommandTimeout = 5 }.ConnectionString;
        await using var store = new PostgresStore(connectionString);
        await using var idle = new PostgresStore(connectionString);
        await store.InitializeAsync(Ct);
        await idle.PingAsync(Ct); // leaves a pooled connection that the restart will kill
        var wakeUps = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();
        var listening = store.ListenAsync(() => wakeUps.Release(), stop.Token);
        Assert.True(await wakeUps.WaitAsync(Patience), "the listener did not connect");
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "shop", CreatedAt = T0, UpdatedAt = T0 };
        await store.CreateApplicationAsync(app, Ct);
        await store.CreateEndpointAsync(new Endpoint { Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = app.Id, Url = "https://shop.example/hook", Secret = "whsec_x" }, Ct);

        var clock = Stopwatch.StartNew();
        await PostgresServer.RunScriptAsync("stop", Instance);
        output.WriteLine($"stopped after {clock.ElapsedMilliseconds} ms");

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync(Ct).WaitAsync(Patience));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetApplicationAsync(app.Id, Ct).WaitAsync(Patience));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => SendAsync(store, app.Id).WaitAsync(Patience));

        output.WriteLine($"refused after {clock.ElapsedMilliseconds} ms");
        await PostgresServer.RunScriptAsync("start", Instance);
        output.WriteLine($"restarted after {clock.ElapsedMilliseconds} ms");

        await idle.PingAsync(Ct); // its dead pooled connection is dropped and the call retried, not failed
        Assert.Equal(app.Name, (await store.GetApplicationAsync(app.Id, Ct))?.Name);
        // While the server was down nothing could wake the listener; the next wake-up is its reconnect.
        Assert.True(await wakeUps.WaitAsync(Patience), "the listener did not reconnect");
        output.WriteLine($"listener back after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, await SendAsync(store, app.Id));
        Assert.True(await wakeUps.WaitAsync(Patience), "no wake-up after the restart");
        Assert.Single(await idle.ClaimDueAsync(T0, TimeSpan.FromMinutes(1), 10, [], Ct));

        await stop.CancelAsync();
        await listening.WaitAsync(Patience);
        await DropDatabaseAsync(server, database);
    }

    [Fact]
    public async Task ServerThatNeverAnswers_AnswersStoreUnavailable_AfterTheConnectTimeout()
    {
        // A socket that accepts connections and then says nothing, like a hung database host.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await using var store = new PostgresStore($"Host=127.0.0.1;Port={port};Username=herald;Password=herald;Database=herald;Timeout=2;Command Timeout=2");
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync(Ct).WaitAsync(Patience));

        output.WriteLine($"unavailable after {clock.ElapsedMilliseconds} ms: {failure.InnerException?.Message}");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3.9)); // one timeout, not a retried one
    }

    private static Task<int> SendAsync(IHeraldStore store, string appId) => store.CreateMessageAsync(
        new Message { Id = HeraldId.New(HeraldId.Message, T0), AppId = appId, EventType = "invoice.paid", Payload = "{}", CreatedAt = T0 }, null, null, Ct);

    private static async Task<string> CreateDatabaseAsync(string server)
    {
        string name = "herald_restart_" + Guid.NewGuid().ToString("N")[..12];
        await using var dataSource = NpgsqlDataSource.Create(server);
        await using var create = dataSource.CreateCommand($"CREATE DATABASE {name}");
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static Task DropDatabaseAsync(string server, string database) =>
        PostgresServer.DropDatabaseAsync(server, new NpgsqlConnectionStringBuilder(database).Database!);
}
