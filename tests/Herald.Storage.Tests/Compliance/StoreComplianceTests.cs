using Herald.Ids;
using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

/// <summary>
/// Every behaviour of the storage seam. Each store inherits this class; a store is done when all of it passes.
/// Each test gets an empty, initialized store. Times are explicit; nothing sleeps.
/// </summary>
public abstract partial class StoreComplianceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected const string Paid = "invoice.paid";
    protected const string Payload = """{"amount":2700,"currency":"USD"}""";

    protected IHeraldStore Store { get; private set; } = null!;

    /// <summary>An initialized store with no data.</summary>
    protected abstract Task<IHeraldStore> CreateStoreAsync();

    /// <summary>
    /// The same node started again: a new store on the same database, with the same node identity, its clock at
    /// <paramref name="time"/>, initialized and not emptied.
    /// </summary>
    protected abstract Task<IHeraldStore> ReopenStoreAsync(TimeProvider time);

    /// <summary>Stops <see cref="Store"/> and starts the same node again at <paramref name="now"/>.</summary>
    protected async Task RestartAsync(DateTimeOffset now)
    {
        await Store.DisposeAsync();
        Store = await ReopenStoreAsync(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now));
    }

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    protected async Task<Application> CreateAppAsync(string? uid = null, string? id = null)
    {
        var app = new Application
        {
            Id = id ?? HeraldId.New(HeraldId.App, T0), Uid = uid, Name = "Corner Shop", ThrottleRate = 50,
            Metadata = new Dictionary<string, string> { ["tier"] = "gold" }, CreatedAt = T0, UpdatedAt = T0,
        };
        await Store.CreateApplicationAsync(app, Ct);
        return app;
    }

    protected async Task<Endpoint> CreateEndpointAsync(
        string appId, string? uid = null, IReadOnlyList<string>? eventTypes = null, IReadOnlyList<string>? channels = null, bool disabled = false)
    {
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, T0), AppId = appId, Uid = uid, Url = "https://shop.example/webhooks", Description = "backend",
            Disabled = disabled, EventTypes = eventTypes, Channels = channels, Secret = "whsec_current",
            Headers = new Dictionary<string, string> { ["X-Shop"] = "corner" }, CreatedAt = T0, UpdatedAt = T0,
        };
        await Store.CreateEndpointAsync(endpoint, Ct);
        return endpoint;
    }

    protected async Task<(Message Message, int Deliveries)> SendAsync(
        string appId, DateTimeOffset? at = null, string eventType = Paid, IReadOnlyList<string>? channels = null,
        string? eventId = null, string? onlyEndpointId = null, DateTimeOffset? payloadExpiresAt = null)
    {
        var time = at ?? T0;
        var message = new Message
        {
            Id = HeraldId.New(HeraldId.Message, time), AppId = appId, EventType = eventType, EventId = eventId,
            Channels = channels, Payload = Payload, CreatedAt = time,
        };
        int deliveries = await Store.CreateMessageAsync(message, payloadExpiresAt, onlyEndpointId, Ct);
        return (message, deliveries);
    }

    protected Task<IReadOnlyList<DueDelivery>> ClaimAsync(DateTimeOffset now, int max = 100, params string[] excluded) =>
        Store.ClaimDueAsync(now, Lease, max, excluded, Ct);

    protected async Task<DueDelivery> ClaimOneAsync(DateTimeOffset now) => Assert.Single(await ClaimAsync(now));

    /// <summary>The outcome of one attempt of <paramref name="delivery"/> made at <paramref name="now"/>.</summary>
    protected static DeliveryResult Result(
        DueDelivery delivery, DateTimeOffset now, DeliveryStatus newStatus, int statusCode, EndpointHealth health,
        DateTimeOffset? nextAttemptAt = null, DateTimeOffset? disableIfFailingSince = null) => new()
    {
        DeliveryId = delivery.DeliveryId,
        LeaseToken = delivery.LeaseToken,
        Attempt = new Attempt
        {
            Id = HeraldId.New(HeraldId.Attempt, now), MsgId = delivery.MsgId, AppId = delivery.AppId, EndpointId = delivery.EndpointId,
            Url = delivery.Url, Status = newStatus == DeliveryStatus.Success ? DeliveryStatus.Success : DeliveryStatus.Fail,
            ResponseStatusCode = statusCode, Response = $"answer {statusCode}", ResponseDurationMs = 12, TriggerType = delivery.Trigger,
            Timestamp = now, RequestHeadersJson = """{"webhook-id":"x"}""",
        },
        NewStatus = newStatus,
        NextAttemptAt = nextAttemptAt,
        AttemptsMade = delivery.AttemptsMade + 1,
        Health = health,
        Now = now,
        DisableIfFailingSince = disableIfFailingSince ?? now - TimeSpan.FromDays(5),
    };

    /// <summary>Stores the results; returns the endpoints they disabled.</summary>
    protected async Task<IReadOnlyList<string>> RecordAsync(params DeliveryResult[] results) => (await Store.RecordResultsAsync(results, Ct)).Disabled;

    protected static MessageQuery Messages(int limit = 50) => new() { Page = new PageRequest(limit) };

    protected static AttemptQuery Attempts(int limit = 50) => new() { Page = new PageRequest(limit) };

    [Fact]
    public async Task Initialize_RunTwice_KeepsData()
    {
        var app = await CreateAppAsync();
        await Store.InitializeAsync(Ct);
        await Store.PingAsync(Ct);
        Assert.NotNull(await Store.GetApplicationAsync(app.Id, Ct));
    }
}
