using System.Text.Json;
using System.Threading.Channels;
using Herald.Delivery.Dispatching;
using Herald.Ids;
using Herald.Model;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Operational;

/// <summary>
/// Turns operational events into messages of an internal application whose one endpoint is the operator's URL,
/// so they are signed, sent, retried and recorded by the same dispatcher as every other webhook.
/// </summary>
internal sealed partial class OperationalPublisher(
    IResourceStore store, DispatchSignal signal, TimeProvider time, IOptions<OperationalOptions> options, ILogger<OperationalPublisher> logger)
    : BackgroundService
{
    public const string AppUid = "herald-operational";
    public const string EndpointUid = "operator";
    private readonly Channel<OperationalIntent> _queue = Channel.CreateBounded<OperationalIntent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private volatile string? _appId;
    private string? _endpointId;

    public bool Enabled => options.Value.Enabled;

    /// <summary>The internal application's id once it exists; its own deliveries never raise operational events.</summary>
    public string? OperationalAppId => _appId;

    public void Publish(OperationalIntent intent)
    {
        if (Enabled && !_queue.Writer.TryWrite(intent))
        {
            LogDropped(logger, intent.Type);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        await EnsureEndpointAsync(stoppingToken);
        await foreach (var intent in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                string? payload = await BuildPayloadAsync(intent, stoppingToken);
                if (payload is not null)
                {
                    var now = time.GetUtcNow();
                    var message = new Message
                    {
                        Id = HeraldId.New(HeraldId.Message, now), AppId = _appId!, EventType = intent.Type, Payload = payload, CreatedAt = now,
                    };
                    await store.CreateMessageAsync(message, now.AddDays(30), _endpointId, stoppingToken);
                    signal.Notify();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPublishFailed(logger, intent.Type, ex);
            }
        }
    }

    private async Task EnsureEndpointAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var app = await store.GetApplicationAsync(AppUid, cancellationToken);
        if (app is null)
        {
            app = new Application { Id = HeraldId.New(HeraldId.App, now), Uid = AppUid, Name = "Herald operational webhooks", CreatedAt = now, UpdatedAt = now };
            try
            {
                await store.CreateApplicationAsync(app, cancellationToken);
            }
            catch (DuplicateException)
            {
                app = await store.GetApplicationAsync(AppUid, cancellationToken) ?? throw new InvalidOperationException("The operational application vanished.");
            }
        }
        var endpoint = await store.GetEndpointAsync(app.Id, EndpointUid, cancellationToken);
        if (endpoint is null)
        {
            endpoint = new Model.Endpoint
            {
                Id = HeraldId.New(HeraldId.Endpoint, now), AppId = app.Id, Uid = EndpointUid, Url = o.Url!, Secret = o.Secret!,
                Description = "The operator's endpoint (Herald:Operational:Url).", CreatedAt = now, UpdatedAt = now,
            };
            await store.CreateEndpointAsync(endpoint, cancellationToken);
        }
        else if (endpoint.Url != o.Url || endpoint.Secret != o.Secret || endpoint.Disabled)
        {
            // Configuration wins: a changed URL or secret, or an endpoint disabled while the operator was away, is reset.
            endpoint = endpoint with { Url = o.Url!, Secret = o.Secret!, Disabled = false, DisabledReason = null, FailingSince = null, UpdatedAt = now };
            await store.UpdateEndpointAsync(endpoint, cancellationToken);
        }
        _endpointId = endpoint.Id;
        _appId = app.Id;
        LogReady(logger, app.Id);
    }

    private async Task<string?> BuildPayloadAsync(OperationalIntent intent, CancellationToken cancellationToken)
    {
        var app = await store.GetApplicationAsync(intent switch { EndpointIntent e => e.AppId, AttemptIntent a => a.AppId, BreakerIntent b => b.AppId, _ => "" }, cancellationToken);
        if (app is null || app.Id == _appId)
        {
            return null;
        }
        switch (intent)
        {
            case EndpointIntent e when e.Type == OperationalEventTypes.EndpointDisabled:
                var disabled = await store.GetEndpointAsync(app.Id, e.EndpointId, cancellationToken);
                return JsonSerializer.Serialize(
                    new OperationalEnvelope<EndpointDisabledEventData>(e.Type, e.At,
                        new(app.Id, app.Uid, e.EndpointId, disabled?.Uid ?? e.EndpointUid, disabled?.FailingSince)),
                    OperationalJsonContext.Default.OperationalEnvelopeEndpointDisabledEventData);
            case EndpointIntent e:
                return JsonSerializer.Serialize(
                    new OperationalEnvelope<EndpointEventData>(e.Type, e.At, new(app.Id, app.Uid, e.EndpointId, e.EndpointUid)),
                    OperationalJsonContext.Default.OperationalEnvelopeEndpointEventData);
            case BreakerIntent b:
                var endpoint = await store.GetEndpointAsync(app.Id, b.EndpointId, cancellationToken);
                return JsonSerializer.Serialize(
                    new OperationalEnvelope<EndpointBreakerEventData>(b.Type, b.At,
                        new(app.Id, app.Uid, b.EndpointId, endpoint?.Uid, b.Breaker.OpenedAt, b.Breaker.Open ? b.Breaker.NextProbeAt : null, b.Breaker.ConsecutiveFailures)),
                    OperationalJsonContext.Default.OperationalEnvelopeEndpointBreakerEventData);
            case AttemptIntent a:
                var message = await store.GetMessageAsync(app.Id, a.MsgId, cancellationToken);
                return JsonSerializer.Serialize(
                    new OperationalEnvelope<AttemptEventData>(a.Type, a.At, new(app.Id, app.Uid, a.MsgId, message?.EventId, a.EndpointId,
                        new LastAttempt(a.Attempt.Id, a.Attempt.ResponseStatusCode, a.Attempt.Timestamp))),
                    OperationalJsonContext.Default.OperationalEnvelopeAttemptEventData);
            default:
                return null;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Operational webhooks go through internal application {AppId}")]
    private static partial void LogReady(ILogger logger, string appId);

    [LoggerMessage(2, LogLevel.Warning, "Operational webhook {Type} dropped: the queue is full")]
    private static partial void LogDropped(ILogger logger, string type);

    [LoggerMessage(3, LogLevel.Warning, "Operational webhook {Type} could not be stored")]
    private static partial void LogPublishFailed(ILogger logger, string type, Exception exception);
}
