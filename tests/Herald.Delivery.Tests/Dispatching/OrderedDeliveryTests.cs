using System.Text.Json;
using Herald.Delivery.Tests.Stores;
using Herald.Ids;
using Herald.Model;
using Herald.Signing;
using Herald.Storage;
using Herald.Testing;
using Microsoft.AspNetCore.Http;
using Endpoint = Herald.Model.Endpoint;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>
/// Ordered endpoints end to end: a real dispatcher over a real store, a real receiver on 127.0.0.1 that fails the
/// first message of a key three times. The clock is the system's and the retry schedule short, so the retries come
/// due by themselves; the test waits for what the receiver saw, never for a fixed time.
/// </summary>
public abstract class OrderedDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TimeProvider _time = TimeProvider.System;
    private ITestStore _test = null!;
    private DispatchRig _rig = null!;

    protected abstract Task<ITestStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _test = await CreateStoreAsync();
        _rig = new DispatchRig(_test.Store, _time);
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _test.DisposeAsync();
    }

    private async Task<string> CreateOrderedEndpointAsync(string appId, string url, OrderingMode mode)
    {
        var now = _time.GetUtcNow();
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = appId, Url = url, Secret = WebhookSecret.Generate(), Ordering = mode,
            CreatedAt = now, UpdatedAt = now,
        };
        await _rig.Store.CreateEndpointAsync(endpoint, Ct);
        return endpoint.Id;
    }

    private async Task<string> SendAsync(string appId, string key, int n)
    {
        var now = _time.GetUtcNow();
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, now), AppId = appId, EventType = "order.updated", OrderingKey = key,
            Payload = $$"""{"key":"{{key}}","n":{{n}}}""", CreatedAt = now,
        };
        await _rig.Store.CreateMessageAsync(message, null, null, Ct);
        _rig.Signal.Notify();
        return message.Id;
    }

    private static (string Key, int N) Parse(ReceivedRequest r)
    {
        using var doc = JsonDocument.Parse(r.Body);
        return (doc.RootElement.GetProperty("key").GetString()!, doc.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task The_first_message_failing_three_times_holds_back_the_later_ones_of_its_key_which_arrive_in_order_while_other_keys_do_not_wait()
    {
        await using var receiver = await TestReceiver.StartAsync();
        int attemptsOfA1 = 0;
        int inFlightA = 0, maxInFlightA = 0;
        // order-a's first message succeeds at its fourth attempt, and only once order-b's last message has arrived:
        // were order-b waiting for order-a, neither would move and the test would time out.
        var lastOfB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async (ctx, request) =>
        {
            var (key, n) = Parse(request);
            if (key == "order-b" && n == 3)
            {
                lastOfB.TrySetResult();
            }
            if (key == "order-a")
            {
                InterlockedMax(ref maxInFlightA, Interlocked.Increment(ref inFlightA));
                await Task.Delay(2, ctx.RequestAborted);
                Interlocked.Decrement(ref inFlightA);
            }
            if (key == "order-a" && n == 1)
            {
                if (Interlocked.Increment(ref attemptsOfA1) <= 3)
                {
                    ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await ctx.Response.WriteAsync("not yet", ctx.RequestAborted);
                    return;
                }
                await lastOfB.Task.WaitAsync(Generous, ctx.RequestAborted);
            }
            await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
        };
        var app = await _rig.CreateAppAsync();
        await CreateOrderedEndpointAsync(app, receiver.Url(), OrderingMode.Key);
        await _rig.StartAsync(new DeliveryOptions
        {
            RetrySchedule = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)],
            RequestTimeout = TimeSpan.FromSeconds(40), Lease = TimeSpan.FromSeconds(90),
            PollInterval = TimeSpan.FromMilliseconds(200), Breaker = new BreakerOptions { Enabled = false },
        });
        var sentA = new List<string>();
        for (int n = 1; n <= 5; n++)
        {
            sentA.Add(await SendAsync(app, "order-a", n));
        }
        for (int n = 1; n <= 3; n++)
        {
            await SendAsync(app, "order-b", n);
        }

        await receiver.WaitForAsync(4 + 4 + 3, Generous); // order-a: 1 four times, then 2..5; order-b: 1..3
        foreach (var msg in sentA)
        {
            await Eventually.WaitAsync(() => _rig.StatusAsync(app, msg), s => s == DeliveryStatus.Success, Generous, "every order-a message recorded");
        }

        var seen = receiver.Received.Select(Parse).ToList();
        Assert.Equal([1, 1, 1, 1, 2, 3, 4, 5], seen.Where(r => r.Key == "order-a").Select(r => r.N));
        Assert.Equal([1, 2, 3], seen.Where(r => r.Key == "order-b").Select(r => r.N));
        // order-b went out while order-a's first message was still held: it did not wait for the other key. (The
        // request of order-a's fourth attempt may arrive before order-b's last, since retries come 100 ms apart; it
        // only succeeds once that has arrived, and order-a's second message only goes out after that success.)
        int lastB = seen.FindLastIndex(r => r.Key == "order-b");
        int secondOfA = seen.FindIndex(r => r == ("order-a", 2));
        Assert.True(lastB < secondOfA, $"order-b finished at request {lastB}, after order-a's second message went out at {secondOfA}");
        Assert.Equal(1, maxInFlightA);
        Assert.Equal(4, (await _rig.AttemptsAsync(app, sentA[0])).Count);
    }

    [Fact]
    public async Task A_whole_endpoint_sequence_is_sent_one_at_a_time_in_acceptance_order()
    {
        await using var receiver = await TestReceiver.StartAsync();
        int inFlight = 0, maxInFlight = 0;
        receiver.Respond = async (ctx, _) =>
        {
            InterlockedMax(ref maxInFlight, Interlocked.Increment(ref inFlight));
            await Task.Delay(2, ctx.RequestAborted);
            Interlocked.Decrement(ref inFlight);
            await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
        };
        var app = await _rig.CreateAppAsync();
        await CreateOrderedEndpointAsync(app, receiver.Url(), OrderingMode.Endpoint);
        await _rig.StartAsync(new DeliveryOptions { MaxInFlightPerEndpoint = 16, PollInterval = TimeSpan.FromMilliseconds(200) });

        for (int n = 1; n <= 40; n++)
        {
            await SendAsync(app, "ignored", n);
        }

        await receiver.WaitForAsync(40, Generous);
        Assert.Equal(Enumerable.Range(1, 40), receiver.Received.Select(r => Parse(r).N));
        Assert.Equal(1, maxInFlight);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

public sealed class SqliteOrderedDeliveryTests : OrderedDeliveryTests
{
    protected override async Task<ITestStore> CreateStoreAsync() => await SqliteTestStore.CreateAsync();
}

public sealed class PostgresOrderedDeliveryTests : OrderedDeliveryTests
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
