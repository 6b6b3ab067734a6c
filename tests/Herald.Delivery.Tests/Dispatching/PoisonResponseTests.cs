using Herald.Delivery.Dispatching;
using Herald.Delivery.Tests.Stores;
using Herald.Model;
using Herald.Testing;
using Microsoft.AspNetCore.Http;

namespace Herald.Delivery.Tests.Dispatching;

/// <summary>
/// Whatever a receiver answers, its attempt is recorded and nobody else's results wait for it. A real dispatcher
/// over a real store, real receivers on 127.0.0.1. The lease (60 s) is far longer than every wait here, so a result
/// that was not written could only show up after the test gave up.
/// </summary>
public abstract class PoisonResponseTests : IAsyncLifetime
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);
    private ITestStore _test = null!;
    private DispatchRig _rig = null!;

    protected abstract Task<ITestStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _test = await CreateStoreAsync();
        _rig = new DispatchRig(_test.Store, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _test.DisposeAsync();
    }

    [Fact]
    public Task A_NUL_byte_in_the_answer_is_recorded_and_another_apps_delivery_is_not_delayed() =>
        PoisonAnswerIsRecordedAsync([(byte)'o', (byte)'k', 0, (byte)'!'], "ok\uFFFD!");

    [Fact]
    public Task Invalid_UTF8_in_the_answer_is_recorded_and_another_apps_delivery_is_not_delayed() =>
        PoisonAnswerIsRecordedAsync([0x89, (byte)'P', (byte)'N', (byte)'G', 0xFF, 0xFE, (byte)'x', 0xC3], "\uFFFDPNG\uFFFD\uFFFDx\uFFFD");

    private async Task PoisonAnswerIsRecordedAsync(byte[] answer, string recorded)
    {
        await using var poison = await TestReceiver.StartAsync();
        poison.Respond = (ctx, _) => ctx.Response.Body.WriteAsync(answer, ctx.RequestAborted).AsTask();
        await using var healthy = await TestReceiver.StartAsync();
        var hostile = await _rig.CreateAppAsync("Hostile");
        await _rig.CreateEndpointAsync(hostile, poison.Url());
        var shop = await _rig.CreateAppAsync("Corner Shop");
        await _rig.CreateEndpointAsync(shop, healthy.Url());
        var poisoned = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            poisoned.Add(await _rig.SendAsync(hostile));
        }
        await _rig.StartAsync();
        var paid = await _rig.SendAsync(shop);
        _rig.Signal.Notify();

        await Eventually.WaitAsync(() => _rig.StatusAsync(shop, paid), s => s == DeliveryStatus.Success, Prompt, "the other app's delivery recorded");
        foreach (var msg in poisoned)
        {
            var attempt = Assert.Single(await Eventually.WaitAsync(() => _rig.AttemptsAsync(hostile, msg), a => a.Count == 1, Prompt, "the poisoned attempt"));
            Assert.Equal((200, recorded, DeliveryStatus.Success), (attempt.ResponseStatusCode, attempt.Response, attempt.Status));
            Assert.Equal(DeliveryStatus.Success, await _rig.StatusAsync(hostile, msg));
        }
        Assert.Equal(3, poison.Count); // recorded at once: nothing was sent twice
        Assert.Equal(1, healthy.Count);
    }

    [Fact]
    public async Task A_result_the_store_refuses_is_recorded_without_its_response_or_dropped_and_the_others_are_recorded()
    {
        await _test.RefuseAttemptsContainingAsync("refuse-me");
        await _test.RefuseAttemptsContainingAsync("refused-entirely");
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (ctx, req) => ctx.Response.WriteAsync(req.Path == "/body" ? "please refuse-me" : "ok", ctx.RequestAborted);
        var app = await _rig.CreateAppAsync();
        await _rig.CreateEndpointAsync(app, receiver.Url("/body"), "refused.body");
        await _rig.CreateEndpointAsync(app, receiver.Url("/refused-entirely"), "refused.row");
        await _rig.CreateEndpointAsync(app, receiver.Url("/fine"), "fine");
        var fine = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            fine.Add(await _rig.SendAsync(app, "fine"));
        }
        var withoutBody = await _rig.SendAsync(app, "refused.body");
        var dropped = await _rig.SendAsync(app, "refused.row");
        for (int i = 0; i < 20; i++)
        {
            fine.Add(await _rig.SendAsync(app, "fine"));
        }

        await _rig.StartAsync();

        foreach (var msg in fine)
        {
            await Eventually.WaitAsync(() => _rig.StatusAsync(app, msg), s => s == DeliveryStatus.Success, Prompt, "every other result recorded");
        }
        var bare = Assert.Single(await Eventually.WaitAsync(() => _rig.AttemptsAsync(app, withoutBody), a => a.Count == 1, Prompt, "the attempt without its body"));
        Assert.Equal((200, Dispatcher.ResponseRefused, null), (bare.ResponseStatusCode, bare.Response, bare.RequestHeadersJson));
        Assert.Equal(DeliveryStatus.Success, await _rig.StatusAsync(app, withoutBody));
        // The row refused even without its body is left to its lease: still being sent, no attempt stored.
        Assert.Empty(await _rig.AttemptsAsync(app, dropped));
        Assert.Equal(DeliveryStatus.Sending, await _rig.StatusAsync(app, dropped));
        Assert.Equal(42, receiver.Count);
    }
}

public sealed class SqlitePoisonResponseTests : PoisonResponseTests
{
    protected override async Task<ITestStore> CreateStoreAsync() => await SqliteTestStore.CreateAsync();
}

public sealed class PostgresPoisonResponseTests : PoisonResponseTests
{
    protected override async Task<ITestStore> CreateStoreAsync() => await PostgresTestStore.CreateAsync();
}
