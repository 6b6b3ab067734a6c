using System.Text.Json;
using Herald.Delivery.Dispatching;
using Herald.Ids;
using Herald.Model;
using Herald.Server.Hosting;
using Herald.Server.Idempotency;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Api;

internal static class MessagesApi
{
    public static void MapMessages(this RouteGroupBuilder api)
    {
        api.MapPost("/app/{app_id}/msg", async (string app_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal, IDeliveryHandoff handoff, IOptions<HeraldOptions> options) =>
        {
            int maxPayload = options.Value.MaxPayloadBytes;
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.MessageIn, maxPayload + (64 * 1024));
            Validate(input);
            // The payload's bytes as they came: measured without a copy, and kept as they were sent.
            var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(input.Payload);
            if (raw.Length > maxPayload)
            {
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The payload is larger than the limit of {maxPayload} bytes.");
            }
            string payload = System.Text.Encoding.UTF8.GetString(raw);
            var app = await store.GetApplicationAsync(app_id, http.RequestAborted);
            if (app is null)
            {
                if (input.Application?.Canonical() is not { } appInput)
                {
                    throw ApiException.NotFound("Application");
                }
                string? uid = appInput.Uid ?? (HeraldId.HasPrefix(app_id, HeraldId.App) ? null : app_id);
                app = await ValidationFailedException.UnderAsync("application", () =>
                    http.RequestServices.GetRequiredService<Changes.ApplicationChanges>().CreateAsync(ApplicationsApi.Draft(appInput, uid), http.RequestAborted));
            }
            var message = NewMessage(time, app.Id, input, payload);
            bool withContent = Paging.Flag(http, "with_content", true);
            var reply = Reply.Json(StatusCodes.Status202Accepted,
                new MessageOut(message.Id, message.EventType, message.EventId, message.Channels, withContent ? input.Payload : Reply.EmptyObject, message.CreatedAt),
                ApiJsonContext.Default.MessageOut);
            await StoreAndDispatchAsync(http, store, signal, handoff, message, Expiry(message, input), reply);
            return reply;
        });

        api.MapGet("/app/{app_id}/msg", async (string app_id, HttpContext http, IResourceStore store) =>
        {
            var app = await ApplicationsApi.RequireAsync(store, app_id, http.RequestAborted);
            var page = await store.ListMessagesAsync(app.Id, Query(http), http.RequestAborted);
            return Reply.Ok(Paging.Map(page, ToOut), ApiJsonContext.Default.ListResponseMessageOut);
        });

        api.MapGet("/app/{app_id}/msg/{msg_id}", async (string app_id, string msg_id, HttpContext http, IResourceStore store) =>
        {
            var (_, message) = await RequireAsync(store, app_id, msg_id, http.RequestAborted);
            return Reply.Ok(ToOut(Paging.Flag(http, "with_content", true) ? message : message with { Payload = null }), ApiJsonContext.Default.MessageOut);
        });

        api.MapDelete("/app/{app_id}/msg/{msg_id}/content", async (string app_id, string msg_id, HttpContext http, IResourceStore store) =>
        {
            var (app, message) = await RequireAsync(store, app_id, msg_id, http.RequestAborted);
            await store.ExpungeMessageContentAsync(app.Id, message.Id, http.RequestAborted);
            return Reply.NoContent();
        });

        api.MapGet("/app/{app_id}/msg/{msg_id}/endpoint", async (string app_id, string msg_id, HttpContext http, IResourceStore store) =>
        {
            var (app, message) = await RequireAsync(store, app_id, msg_id, http.RequestAborted);
            var page = await store.ListMessageDestinationsAsync(app.Id, message.Id, Paging.From(http, false), http.RequestAborted);
            return Reply.Ok(Paging.Map(page, d => new MessageEndpointOut(
                d.Endpoint.Id, d.Endpoint.Uid, d.Endpoint.Url, d.Endpoint.Description, d.Endpoint.Disabled, d.Endpoint.EventTypes,
                d.Endpoint.Channels, d.Endpoint.ThrottleRate, d.Endpoint.CreatedAt, d.Endpoint.UpdatedAt, d.Status,
                DeliveryStatusText.Of(d.Status), d.NextAttempt)), ApiJsonContext.Default.ListResponseMessageEndpointOut);
        });

        api.MapPost("/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend", async (string app_id, string msg_id, string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal) =>
        {
            var (app, message) = await RequireAsync(store, app_id, msg_id, http.RequestAborted);
            var endpoint = await store.GetEndpointAsync(app.Id, endpoint_id, http.RequestAborted) ?? throw ApiException.NotFound("Endpoint");
            await store.ResendAsync(app.Id, message.Id, endpoint.Id, time.GetUtcNow(), http.RequestAborted);
            signal.Notify();
            return Reply.Json(StatusCodes.Status202Accepted, Reply.EmptyObject, ApiJsonContext.Default.JsonElement);
        });

        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/msg", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
        {
            var (app, endpoint) = await EndpointsApi.RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var query = Query(http) with { Status = AttemptsApi.StatusFilter(http) };
            var page = await store.ListEndpointMessagesAsync(app.Id, endpoint.Id, query, http.RequestAborted);
            return Reply.Ok(Paging.Map(page, m => new EndpointMessageOut(
                m.Message.Id, m.Message.EventType, m.Message.EventId, m.Message.Channels, Payload(m.Message.Payload), m.Message.CreatedAt,
                m.Status, DeliveryStatusText.Of(m.Status), m.NextAttempt)), ApiJsonContext.Default.ListResponseEndpointMessageOut);
        });

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/send-example", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal) =>
        {
            var (app, endpoint) = await EndpointsApi.RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EventExampleIn, 16 * 1024);
            new Validation().Name("eventType", input.EventType, 256, required: true).ThrowIfInvalid();
            var eventType = await store.GetEventTypeAsync(input.EventType!, http.RequestAborted);
            string payload = ExamplePayload(eventType, input.EventType!);
            var message = NewMessage(time, app.Id, new MessageIn { EventType = input.EventType }, payload);
            var reply = Reply.Ok(ToOut(message), ApiJsonContext.Default.MessageOut);
            var idempotency = http.Features.Get<IdempotencyFeature>();
            await store.CreateMessageAsync(message, Expiry(message, new MessageIn()), endpoint.Id, Completion(idempotency, reply, message), http.RequestAborted);
            idempotency?.MarkCompletedByWrite();
            signal.Notify();
            return reply;
        });
    }

    /// <summary>
    /// Stores the message, with the answer to its Idempotency-Key when it has one; when this node runs a dispatcher
    /// with room, its deliveries are born claimed and handed straight to it, otherwise they wait in the queue for any dispatcher.
    /// </summary>
    private static async Task StoreAndDispatchAsync(HttpContext http, IMessageStore store, DispatchSignal signal, IDeliveryHandoff handoff, Message message, DateTimeOffset expiry, JsonBody reply)
    {
        var idempotency = http.Features.Get<IdempotencyFeature>();
        var completion = Completion(idempotency, reply, message);
        if (!handoff.CanAccept)
        {
            await store.CreateMessageAsync(message, expiry, null, completion, http.RequestAborted);
            idempotency?.MarkCompletedByWrite();
            signal.Notify();
            return;
        }
        var deliveries = await store.CreateMessageClaimedAsync(message, expiry, handoff.Lease, completion, http.RequestAborted);
        idempotency?.MarkCompletedByWrite();
        handoff.Accept(deliveries);
    }

    private static IdempotencyCompletion? Completion(IdempotencyFeature? idempotency, JsonBody reply, Message message) =>
        idempotency?.Completion(reply.StatusCode!.Value, reply.Body, message.CreatedAt);

    private static Message NewMessage(TimeProvider time, string appId, MessageIn input, string payload)
    {
        var now = time.GetUtcNow();
        return new Message
        {
            Id = HeraldId.New(HeraldId.Message, now), AppId = appId, EventType = input.EventType!, EventId = input.EventId,
            Channels = input.Channels, Payload = payload, CreatedAt = now, OrderingKey = input.OrderingKey,
        };
    }

    private static DateTimeOffset Expiry(Message message, MessageIn input) => message.CreatedAt.AddDays(input.PayloadRetentionPeriod ?? 90);

    private static void Validate(MessageIn input)
    {
        var v = new Validation()
            .Name("eventType", input.EventType, 256, required: true)
            .Name("eventId", input.EventId, 256)
            .Names("channels", input.Channels, 5, 128)
            .Range("payloadRetentionPeriod", input.PayloadRetentionPeriod, 1, 90)
            .OrderingKey("orderingKey", input.OrderingKey);
        if (input.Payload.ValueKind != JsonValueKind.Object)
        {
            v.Fail("payload", input.Payload.ValueKind == JsonValueKind.Undefined ? "field required" : "must be a JSON object");
        }
        v.ThrowIfInvalid();
    }

    private static string ExamplePayload(EventType? eventType, string name)
    {
        if (eventType?.SchemasJson is { } schemas)
        {
            using var doc = JsonDocument.Parse(schemas);
            foreach (var version in doc.RootElement.EnumerateObject())
            {
                if (version.Value.ValueKind == JsonValueKind.Object
                    && version.Value.TryGetProperty("examples", out var examples)
                    && examples.ValueKind == JsonValueKind.Array
                    && examples.GetArrayLength() > 0
                    && examples[0].ValueKind == JsonValueKind.Object)
                {
                    return examples[0].GetRawText();
                }
            }
        }
        return JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = name, ["note"] = "example event sent by Herald" }, JsonContext.Default.DictionaryStringString);
    }

    public static async Task<(Application App, Message Message)> RequireAsync(IResourceStore store, string appId, string msgId, CancellationToken cancellationToken)
    {
        var app = await ApplicationsApi.RequireAsync(store, appId, cancellationToken);
        return (app, await store.GetMessageAsync(app.Id, msgId, cancellationToken) ?? throw ApiException.NotFound("Message"));
    }

    private static MessageQuery Query(HttpContext http) => new()
    {
        Page = Paging.From(http, true),
        Channel = ValidQueryName(http, "channel", 128),
        Before = Paging.Time(http, "before"),
        After = Paging.Time(http, "after"),
        EventTypes = AttemptsApi.EventTypesFilter(http),
        WithContent = Paging.Flag(http, "with_content", true),
    };

    public static string? ValidQueryName(HttpContext http, string name, int max)
    {
        string? value = http.Request.Query[name];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var v = new Validation().Name(name, value, max);
        try
        {
            v.ThrowIfInvalid();
        }
        catch (ValidationFailedException)
        {
            throw Paging.QueryError(name, "may contain only letters, digits, '-', '_' and '.'");
        }
        return value;
    }

    public static JsonElement Payload(string? payload) => payload is null ? Reply.EmptyObject : JsonDocument.Parse(payload).RootElement.Clone();

    public static MessageOut ToOut(Message m) => new(m.Id, m.EventType, m.EventId, m.Channels, Payload(m.Payload), m.CreatedAt);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class JsonContext : System.Text.Json.Serialization.JsonSerializerContext;
