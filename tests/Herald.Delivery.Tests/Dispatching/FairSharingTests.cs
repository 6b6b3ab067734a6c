using Herald.Delivery.Tests.Stores;
using Herald.Ids;
using Herald.Model;
using Herald.Storage;
using Herald.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>
/// One tenant's hanging endpoints and a wave of retries cannot take the capacity others need. A real dispatcher over
/// a real store, real receivers on 127.0.0.1. The clock is fake and never moves, so no request times out and the
/// dispatcher claims only when it is woken: once the hanging requests fill what they may hold it is quiet, and the
/// claims it makes afterwards can be counted.
/// </summary>
public abstract class FairSharingTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CancellationTokenSource _release = new();
    private ITestStore _test = null!;
    private FlakyStore _counting = null!;
    private DispatchRig _rig = null!;

    protected abstract Task<ITestStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _test = await CreateStoreAsync();
        _counting = FlakyStore.Over(_test.Store);
        _rig = new DispatchRig(_counting.AsStore(), _time);
    }

    public async Task DisposeAsync()
    {
        await _release.CancelAsync(); // the hanging receivers answer, so nothing waits for them
        await _rig.DisposeAsync();
        await _test.DisposeAsync();
        _release.Dispose();
    }

    /// <summary>A receiver that holds every request until the test ends.</summary>
    private async Task<TestReceiver> HangingReceiverAsync()
    {
        var receiver = await TestReceiver.StartAsync();
        receiver.Respond = async (ctx, _) =>
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _release.Token);
            await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        return receiver;
    }

    [Fact]
    public async Task A_tenant_with_many_hanging_endpoints_and_a_large_backlog_holds_only_its_share_and_another_tenants_message_goes_out_at_once()
    {
        await using var hanging = await HangingReceiverAsync();
        await using var healthy = await TestReceiver.StartAsync();
        var noisy = await _rig.CreateAppAsync("Noisy");
        for (int e = 0; e < 16; e++)
        {
            await _rig.CreateEndpointAsync(noisy, hanging.Url($"/hang/{e}"));
        }
        for (int m = 0; m < 128; m++)
        {
            await _rig.SendAsync(noisy, at: _time.GetUtcNow().AddSeconds(-600 + m)); // 2,048 deliveries, all older
        }
        var shop = await _rig.CreateAppAsync("Corner Shop");
        await _rig.CreateEndpointAsync(shop, healthy.Url());
        // 16 endpoints × 8 would fill the node's 64 twice over; the noisy tenant may hold 32 of it.
        var dispatcher = await _rig.StartAsync(new DeliveryOptions
        {
            MaxInFlight = 64, MaxInFlightPerEndpoint = 8, MaxInFlightPerApp = 32, BatchSize = 32, Breaker = new BreakerOptions { Enabled = false },
        });
        await hanging.WaitForAsync(32, Generous);
        await Eventually.WaitAsync(() => dispatcher.Held == 32, Generous, "the noisy tenant's share held");
        int claimsBefore = _counting.Claims;

        var paid = await _rig.SendAsync(shop);
        _rig.Signal.Notify();

        await healthy.WaitForAsync(1, Generous);
        await Eventually.WaitAsync(() => _rig.StatusAsync(shop, paid), s => s == DeliveryStatus.Success, Generous, "the shop's delivery recorded");
        // The claim running when the message was queued may have missed it; the next one took it.
        Assert.InRange(_counting.Claims - claimsBefore, 1, 3);
        Assert.Equal(32, hanging.Count); // never more than its share, though 2,016 more of its deliveries are due
        Assert.Equal(32, dispatcher.Held);
    }

    [Fact]
    public async Task An_applications_hanging_endpoint_holds_little_more_than_its_requests_in_flight_and_its_healthy_endpoint_gets_the_rest()
    {
        await using var hanging = await HangingReceiverAsync();
        await using var healthy = await TestReceiver.StartAsync();
        var app = await _rig.CreateAppAsync();
        await _rig.CreateEndpointAsync(app, hanging.Url("/hang"));
        await _rig.CreateEndpointAsync(app, healthy.Url());
        for (int m = 0; m < 128; m++)
        {
            await _rig.SendAsync(app, at: _time.GetUtcNow().AddSeconds(-600 + m));
        }
        // The hanging endpoint's lane alone could hold 8 + 64, more than the application's 32: were its line to fill,
        // the application's healthy endpoint would get nothing until the hanging requests time out.
        var dispatcher = await _rig.StartAsync(new DeliveryOptions
        {
            MaxInFlight = 64, MaxInFlightPerEndpoint = 8, MaxInFlightPerApp = 32, BatchSize = 32, Breaker = new BreakerOptions { Enabled = false },
        });

        await healthy.WaitForAsync(128, Generous);
        await hanging.WaitForAsync(8, Generous);
        await Eventually.WaitAsync(() => dispatcher.Held == 16, Generous, "the hanging endpoint's 8 in flight and 8 waiting held");
        Assert.Equal(8, hanging.Count);
    }

    [Fact]
    public async Task Connections_that_never_complete_hold_only_their_endpoints_lanes_within_their_tenants_share()
    {
        using var blackhole = await Blackhole.StartAsync();
        await using var healthy = await TestReceiver.StartAsync();
        var unreachable = await _rig.CreateAppAsync("Unreachable");
        for (int e = 0; e < 8; e++)
        {
            await _rig.CreateEndpointAsync(unreachable, $"{blackhole.Url}/{e}");
        }
        for (int m = 0; m < 64; m++)
        {
            await _rig.SendAsync(unreachable, at: _time.GetUtcNow().AddSeconds(-600 + m));
        }
        var shop = await _rig.CreateAppAsync("Corner Shop");
        await _rig.CreateEndpointAsync(shop, healthy.Url());
        var dispatcher = await _rig.StartAsync(new DeliveryOptions
        {
            MaxInFlight = 64, MaxInFlightPerEndpoint = 8, MaxInFlightPerApp = 32, BatchSize = 32, ConnectTimeout = TimeSpan.FromMinutes(5),
            Breaker = new BreakerOptions { Enabled = false },
        });
        await Eventually.WaitAsync(() => dispatcher.Held == 32, Generous, "the unreachable tenant's share held by connection attempts");
        int claimsBefore = _counting.Claims;

        var paid = await _rig.SendAsync(shop);
        _rig.Signal.Notify();

        await Eventually.WaitAsync(() => _rig.StatusAsync(shop, paid), s => s == DeliveryStatus.Success, Generous, "the shop's delivery recorded");
        Assert.InRange(_counting.Claims - claimsBefore, 1, 3);
        Assert.Equal(32, dispatcher.Held); // still connecting: nothing failed, nothing more was taken
    }

    [Fact]
    public async Task Retries_take_at_most_their_share_and_fresh_messages_are_sent_while_they_hang()
    {
        await using var hanging = await HangingReceiverAsync();
        await using var healthy = await TestReceiver.StartAsync();
        var app = await _rig.CreateAppAsync();
        for (int e = 0; e < 8; e++)
        {
            await _rig.CreateEndpointAsync(app, hanging.Url($"/recovering/{e}"), "invoice.failed");
        }
        await _rig.CreateEndpointAsync(app, healthy.Url(), "invoice.paid");
        for (int m = 0; m < 16; m++)
        {
            await _rig.SendAsync(app, "invoice.failed", _time.GetUtcNow().AddMinutes(-10));
        }
        await FailOnceAsync(); // 128 retries, due now, older than anything new
        var options = new DeliveryOptions
        {
            MaxInFlight = 32, MaxInFlightPerEndpoint = 8, RetryShare = 0.25, BatchSize = 32, Breaker = new BreakerOptions { Enabled = false },
        };
        var dispatcher = await _rig.StartAsync(options);
        await hanging.WaitForAsync(8, Generous);
        await Eventually.WaitAsync(() => dispatcher.Held == 8, Generous, "the retries' share held");
        int claimsBefore = _counting.Claims;

        var fresh = new List<string>();
        for (int m = 0; m < 20; m++)
        {
            fresh.Add(await _rig.SendAsync(app, "invoice.paid"));
        }
        _rig.Signal.Notify();

        await healthy.WaitForAsync(20, Generous);
        foreach (var msg in fresh)
        {
            await Eventually.WaitAsync(() => _rig.StatusAsync(app, msg), s => s == DeliveryStatus.Success, Generous, "a fresh message recorded");
        }
        Assert.InRange(_counting.Claims - claimsBefore, 1, 6);
        Assert.Equal(8, hanging.Count); // a quarter of 32, though 120 more retries are due
    }

    /// <summary>Claims every due delivery and records a failed attempt for each, due again now.</summary>
    private async Task FailOnceAsync()
    {
        var now = _time.GetUtcNow();
        var claimed = await _test.Store.ClaimDueAsync(now, TimeSpan.FromMinutes(1), 1000, ClaimLimits.None, CancellationToken.None);
        Assert.Equal(128, claimed.Count);
        await _test.Store.RecordResultsAsync(claimed.Select(d => new DeliveryResult
        {
            DeliveryId = d.DeliveryId, LeaseToken = d.LeaseToken, NewStatus = DeliveryStatus.Pending, NextAttemptAt = now, AttemptsMade = 1,
            Health = EndpointHealth.Untouched, Now = now, DisableIfFailingSince = now - TimeSpan.FromDays(5),
            Attempt = new Attempt
            {
                Id = HeraldId.New(HeraldId.Attempt, now), MsgId = d.MsgId, AppId = d.AppId, EndpointId = d.EndpointId, Url = d.Url,
                Status = DeliveryStatus.Fail, ResponseStatusCode = 503, Response = "down", TriggerType = d.Trigger, Timestamp = now,
            },
        }).ToList(), CancellationToken.None);
    }
}

/// <summary>
/// A port on 127.0.0.1 whose connections never complete: a listener that accepts nothing, its queue filled, so
/// that the kernel drops every further SYN and a connect waits until it gives up, as with a host that is gone.
/// </summary>
internal sealed class Blackhole : IDisposable
{
    private readonly System.Net.Sockets.Socket _listener = new(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
    private readonly List<System.Net.Sockets.Socket> _fillers = [];

    public string Url => $"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndPoint!).Port}";

    public static async Task<Blackhole> StartAsync()
    {
        var hole = new Blackhole();
        hole._listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        hole._listener.Listen(0);
        for (int i = 0; i < 4; i++)
        {
            var filler = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            hole._fillers.Add(filler);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(hole._listener.LocalEndPoint!, wait.Token);
            }
            catch (OperationCanceledException)
            {
                return hole; // the queue is full: this connect was dropped
            }
        }
        throw new InvalidOperationException("The listen queue never filled; connects to the blackhole would complete.");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }
        _listener.Dispose();
    }
}

public sealed class SqliteFairSharingTests : FairSharingTests
{
    protected override async Task<ITestStore> CreateStoreAsync() => await SqliteTestStore.CreateAsync();
}

public sealed class PostgresFairSharingTests : FairSharingTests
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
