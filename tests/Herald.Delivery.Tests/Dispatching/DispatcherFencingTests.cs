using System.Reflection;
using Herald.Breakers;
using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Delivery.Ssrf;
using Herald.Ids;
using Herald.Model;
using Herald.Signing;
using Herald.Storage;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>
/// A node that lost its lease (frozen past it) or cannot write its results must not send again what another node,
/// or itself after the lease, may send. A real dispatcher over a real SQLite store and a real receiver; the clock is fake.
/// </summary>
public sealed class DispatcherFencingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_node_frozen_past_its_lease_does_not_send_what_it_held_nor_undo_the_new_holders_claim()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new SqliteStore(dir.File("herald.db"), synchronousFull: false, time);
        await store.InitializeAsync(Ct);
        await using var receiver = await TestReceiver.StartAsync();
        var (app, endpoint) = await CreateAppAsync(store, receiver, time);
        await SendAsync(store, app, time);
        var options = Options();
        var stale = Assert.Single(await store.ClaimDueAsync(time.GetUtcNow(), options.Lease, 10, [], Ct));
        time.Advance(options.Lease); // the node holding it is frozen meanwhile; another takes it over
        Assert.Single(await store.ClaimDueAsync(time.GetUtcNow(), options.Lease, 10, [], Ct));

        var (dispatcher, sender) = NewDispatcher(store, time, options);
        using var disposeSender = sender;
        using var disposeDispatcher = dispatcher;
        dispatcher.Accept([stale]); // the frozen node wakes and goes on with what it held

        await Eventually.WaitAsync(() => dispatcher.Held == 0, what: "the stale delivery to be dealt with");
        Assert.Equal(0, receiver.Count);
        Assert.Empty(await store.ClaimDueAsync(time.GetUtcNow(), options.Lease, 10, [], Ct)); // still the new holder's
        Assert.Equal(new EndpointStats(0, 0, 0, 1), await store.GetEndpointStatsAsync(app, endpoint, null, null, Ct));
    }

    [Fact]
    public async Task A_node_that_cannot_write_its_results_claims_nothing_and_sends_nothing_twice()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var real = new SqliteStore(dir.File("herald.db"), synchronousFull: false, time);
        await real.InitializeAsync(Ct);
        await using var receiver = await TestReceiver.StartAsync();
        var (app, endpoint) = await CreateAppAsync(real, receiver, time);
        await SendAsync(real, app, time);
        var store = FlakyStore.Over(real);
        store.FailRecords = true; // the disk is full
        var options = Options();
        var (dispatcher, sender) = NewDispatcher(store.AsStore(), time, options);
        using var disposeSender = sender;
        using var disposeDispatcher = dispatcher;
        await dispatcher.StartAsync(Ct);
        await receiver.WaitForAsync(1);
        await Eventually.WaitAsync(() => store.FailedRecords > 0, what: "the result write to fail");
        int claims = store.Claims;

        // Twice the lease goes by, the claim loop looking at the queue again and again.
        var until = time.GetUtcNow() + (2 * options.Lease);
        while (time.GetUtcNow() < until)
        {
            int looks = store.Looks;
            await Eventually.WaitAsync(() => Tick(time, store.Looks > looks), what: "the dispatcher to look at the queue");
        }
        Assert.Equal(claims, store.Claims);
        Assert.Equal(1, receiver.Count);

        store.FailRecords = false; // space again: the held result is written, under the lease it was sent with
        await Eventually.WaitAsync(async () => Tick(time, (await real.GetEndpointStatsAsync(app, endpoint, null, null, Ct)).Success == 1),
            done => done, what: "the held result to be written");
        await dispatcher.StopAsync(Ct);
        Assert.Equal(new EndpointStats(1, 0, 0, 0), await real.GetEndpointStatsAsync(app, endpoint, null, null, Ct));
        Assert.Equal(1, receiver.Count);
    }

    /// <summary>Moves the clock on a little while waiting for <paramref name="done"/>, so that no timer set meanwhile is skipped.</summary>
    private static bool Tick(FakeTimeProvider time, bool done)
    {
        if (!done)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
        }
        return done;
    }

    private static DeliveryOptions Options() =>
        new() { AllowedSubnets = ["127.0.0.0/8"], PollInterval = TimeSpan.FromSeconds(1), Lease = TimeSpan.FromSeconds(60) };

    internal static (Dispatcher Dispatcher, HttpDeliverySender Sender) NewDispatcher(IHeraldStore store, TimeProvider time, DeliveryOptions options)
    {
        var sender = new HttpDeliverySender(options,
            new GuardedConnector(new OutboundAddressPolicy(options.AllowedSubnets), new SystemHostResolver(), new SocketAddressConnector()), time);
        return (new Dispatcher(store, sender, new DispatchSignal(), options, time, NullLogger<Dispatcher>.Instance, []), sender);
    }

    internal static async Task<(string App, string Endpoint)> CreateAppAsync(SqliteStore store, TestReceiver receiver, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var app = new Application { Id = HeraldId.New(HeraldId.App, now), Name = "Corner Shop", CreatedAt = now, UpdatedAt = now };
        await store.CreateApplicationAsync(app, Ct);
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = app.Id, Url = receiver.Url(), Secret = WebhookSecret.Generate(), CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateEndpointAsync(endpoint, Ct);
        return (app.Id, endpoint.Id);
    }

    private static async Task SendAsync(SqliteStore store, string appId, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var message = new Message { Id = HeraldId.New(HeraldId.Message, now), AppId = appId, EventType = "invoice.paid", Payload = """{"n":1}""", CreatedAt = now };
        Assert.Equal(1, await store.CreateMessageAsync(message, null, null, Ct));
    }
}

/// <summary>
/// The real store, except that writing results fails while <see cref="FailRecords"/> is set, as on a full disk
/// (which a test cannot bring about on demand). Counts the dispatcher's claims, looks at the queue and writes.
/// </summary>
public class FlakyStore : DispatchProxy
{
    private IHeraldStore _inner = null!;
    private int _claims;
    private int _looks;
    private int _records;
    private int _failedRecords;

    public bool FailRecords { get; set; }

    public int Claims => Volatile.Read(ref _claims);

    public int Looks => Volatile.Read(ref _looks);

    public int Records => Volatile.Read(ref _records);

    public int FailedRecords => Volatile.Read(ref _failedRecords);

    /// <summary>How long each breaker check takes longer than the real store's, so that concurrent checks would overlap.</summary>
    public TimeSpan BreakerCheckDelay { get; set; }

    public int BreakerChecks => Volatile.Read(ref _breakerChecks);

    /// <summary>The most breaker checks that were under way at once.</summary>
    public int MostConcurrentBreakerChecks => Volatile.Read(ref _mostConcurrentBreakerChecks);

    private int _breakerChecks;
    private int _breakerChecksNow;
    private int _mostConcurrentBreakerChecks;

    public static FlakyStore Over(IHeraldStore inner)
    {
        var proxy = (FlakyStore)(object)Create<IHeraldStore, FlakyStore>();
        proxy._inner = inner;
        return proxy;
    }

    public IHeraldStore AsStore() => (IHeraldStore)(object)this;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod!.Name)
        {
            case nameof(IHeraldStore.RecordResultsAsync):
                Interlocked.Increment(ref _records);
                if (FailRecords)
                {
                    Interlocked.Increment(ref _failedRecords);
                    return Task.FromException<RecordedResults>(new StoreUnavailableException("The disk is full."));
                }
                break;
            case nameof(IHeraldStore.ClaimDueAsync):
                Interlocked.Increment(ref _claims);
                break;
            case nameof(IHeraldStore.NextDueAtAsync):
                Interlocked.Increment(ref _looks);
                break;
            case nameof(IHeraldStore.PassBreakersAsync):
                return CheckBreakersAsync(targetMethod, args);
        }
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private async Task<IReadOnlyList<BreakerPass>> CheckBreakersAsync(MethodInfo method, object?[]? args)
    {
        Interlocked.Increment(ref _breakerChecks);
        int now = Interlocked.Increment(ref _breakerChecksNow);
        int most;
        while (now > (most = Volatile.Read(ref _mostConcurrentBreakerChecks)) && Interlocked.CompareExchange(ref _mostConcurrentBreakerChecks, now, most) != most)
        {
        }
        try
        {
            await Task.Delay(BreakerCheckDelay);
            return await (Task<IReadOnlyList<BreakerPass>>)method.Invoke(_inner, args)!;
        }
        finally
        {
            Interlocked.Decrement(ref _breakerChecksNow);
        }
    }
}
