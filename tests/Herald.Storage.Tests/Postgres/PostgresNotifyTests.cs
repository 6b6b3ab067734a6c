using Herald.Ids;
using Herald.Model;
using Herald.Storage.Postgres;

namespace Herald.Storage.Tests.Postgres;

/// <summary>LISTEN/NOTIFY: a node is woken when another node queues deliveries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNotifyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly SemaphoreSlim _wakeUps = new(0);
    private readonly CancellationTokenSource _stop = new();
    private PostgresStore _listener = null!;
    private PostgresStore _writer = null!;
    private Task _listening = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _listener = new PostgresStore(database.ConnectionString);
        _writer = new PostgresStore(database.ConnectionString);
        await _writer.InitializeAsync(Ct);
        _listening = _listener.ListenAsync(() => _wakeUps.Release(), _stop.Token);
        Assert.True(await _wakeUps.WaitAsync(Patience), "the listener did not connect"); // the wake-up on connecting
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listening.WaitAsync(Patience);
        await _listener.DisposeAsync();
        await _writer.DisposeAsync();
        _stop.Dispose();
        _wakeUps.Dispose();
    }

    [Fact]
    public async Task CreateMessage_OnAnotherNode_WakesTheListener()
    {
        var (app, _) = await AppWithEndpointAsync();

        await _writer.CreateMessageAsync(NewMessage(app.Id), null, null, Ct);

        Assert.True(await _wakeUps.WaitAsync(Patience), "CreateMessageAsync sent no NOTIFY");
    }

    [Fact]
    public async Task Resend_Recover_AndRelease_EachWakeTheListener()
    {
        var (app, endpoint) = await AppWithEndpointAsync();
        var message = NewMessage(app.Id);
        await _writer.CreateMessageAsync(message, null, null, Ct);
        Assert.True(await _wakeUps.WaitAsync(Patience));

        var due = Assert.Single(await _writer.ClaimDueAsync(T0, TimeSpan.FromMinutes(1), 10, [], Ct));
        await _writer.ReleaseAsync([due], T0, Ct);
        Assert.True(await _wakeUps.WaitAsync(Patience), "ReleaseAsync sent no NOTIFY");

        Assert.True(await _writer.ResendAsync(app.Id, message.Id, endpoint.Id, T0, Ct));
        Assert.True(await _wakeUps.WaitAsync(Patience), "ResendAsync sent no NOTIFY");

        var claimed = Assert.Single(await _writer.ClaimDueAsync(T0, TimeSpan.FromMinutes(1), 10, [], Ct));
        await _writer.RecordResultsAsync([new DeliveryResult
        {
            DeliveryId = claimed.DeliveryId, LeaseToken = claimed.LeaseToken, Attempt = null, NewStatus = DeliveryStatus.Fail, AttemptsMade = 1,
            Health = EndpointHealth.Untouched, Now = T0, DisableIfFailingSince = T0,
        }], Ct);
        Assert.Equal(1, await _writer.RecoverEndpointAsync(app.Id, endpoint.Id, T0.AddDays(-1), null, T0, Ct));
        Assert.True(await _wakeUps.WaitAsync(Patience), "RecoverEndpointAsync sent no NOTIFY");
    }

    private async Task<(Application App, Endpoint Endpoint)> AppWithEndpointAsync()
    {
        var app = new Application { Id = HeraldId.New(HeraldId.App, T0), Name = "shop", CreatedAt = T0, UpdatedAt = T0 };
        await _writer.CreateApplicationAsync(app, Ct);
        var endpoint = new Endpoint { Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = app.Id, Url = "https://shop.example/hook", Secret = "whsec_x", CreatedAt = T0, UpdatedAt = T0 };
        await _writer.CreateEndpointAsync(endpoint, Ct);
        return (app, endpoint);
    }

    private static Message NewMessage(string appId) =>
        new() { Id = HeraldId.New(HeraldId.Message, T0), AppId = appId, EventType = "invoice.paid", Payload = "{}", CreatedAt = T0 };
}
