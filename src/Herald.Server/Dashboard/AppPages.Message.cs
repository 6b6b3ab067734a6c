using System.Text.Json;
using Herald.Model;
using Herald.Storage;
using static Herald.Server.Dashboard.Html;

namespace Herald.Server.Dashboard;

internal static partial class AppPages
{
    private static async Task<IResult> MessageAsync(HttpContext http, IResourceStore store, ConsoleContext ctx, string msgId)
    {
        var ct = http.RequestAborted;
        var message = await store.GetMessageAsync(ctx.App.Id, msgId, ct);
        if (message is null)
        {
            return Page("Message not found", ctx.Nav, $"<p>No message {E(msgId)} in this application.</p>", 404);
        }
        var destinations = await store.ListMessageDestinationsAsync(ctx.App.Id, message.Id, new PageRequest(250), ct);
        var destinationTable = Table(["Endpoint", "Status", "Next attempt", ""], destinations.Data.Select(d => new[]
        {
            Link($"{ctx.Base}/endpoint/{d.Endpoint.Id}", d.Endpoint.Uid ?? d.Endpoint.Url), Status(DeliveryStatusText.Of(d.Status)), Time(d.NextAttempt),
            Form($"{ctx.Base}/msg/{message.Id}/resend", ctx.Csrf, $"""<input type="hidden" name="endpoint" value="{E(d.Endpoint.Id)}">""", "Resend"),
        }), "destinations");
        var resendAll = Form($"{ctx.Base}/msg/{message.Id}/resend", ctx.Csrf, """<input type="hidden" name="endpoint" value="all">""", "Resend to all endpoints", "block");

        var attempts = await store.ListAttemptsAsync(ctx.App.Id, new AttemptQuery { Page = new PageRequest(100, null, true), MsgId = message.Id }, ct);
        var attemptTable = Table(["Attempt", "Time", "Endpoint", "Code", "Duration", "Trigger", "Request headers", "Response body"],
            attempts.Data.Select(a => new[]
            {
                E(a.Id), Time(a.Timestamp), E(a.Url), Code(a.ResponseStatusCode), $"{a.ResponseDurationMs} ms",
                a.TriggerType == TriggerType.Manual ? "manual" : "scheduled", $"<pre>{E(Headers(a.RequestHeadersJson))}</pre>", $"<pre>{Shown(a.Response)}</pre>",
            }), "attempts");

        string body = Notice(http) + $"""
            <div class="cards"><div class="card">Event type <b>{E(message.EventType)}</b></div><div class="card">Event id <b>{E(message.EventId ?? "–")}</b></div>
            <div class="card">Created <b>{Time(message.CreatedAt)}</b></div></div>
            <h2>Payload</h2><pre id="payload">{E(Pretty(message.Payload))}</pre>
            <h2>Deliveries</h2>{destinationTable}{resendAll}<h2>Attempts</h2>{attemptTable}
            """;
        return Page("Message " + message.Id, ctx.Nav, body);
    }

    private static string Pretty(string? json)
    {
        if (json is null)
        {
            return "(payload expunged)";
        }
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement, PrettyJson.Default.JsonElement);
    }

    private static string Headers(string? json)
    {
        if (json is null)
        {
            return "";
        }
        using var doc = JsonDocument.Parse(json);
        return string.Join('\n', doc.RootElement.EnumerateObject().Select(p => $"{p.Name}: {p.Value}"));
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class PrettyJson : System.Text.Json.Serialization.JsonSerializerContext;
