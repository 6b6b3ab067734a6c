using Herald.Delivery.Sending;
using Herald.Model;
using Herald.Server.Changes;
using Herald.Storage;
using static Herald.Server.Dashboard.Html;

namespace Herald.Server.Dashboard;

internal static partial class AppPages
{
    private static async Task<IResult> EndpointAsync(HttpContext http, IResourceStore store, TimeProvider time, ConsoleContext ctx, string endpointId)
    {
        var ct = http.RequestAborted;
        var e = await store.GetEndpointAsync(ctx.App.Id, endpointId, ct);
        if (e is null)
        {
            return Page("Endpoint not found", ctx.Nav, $"<p>No endpoint {E(endpointId)} in this application.</p>", 404);
        }
        string at = $"{ctx.Base}/endpoint/{e.Id}";
        var stats = await store.GetEndpointStatsAsync(ctx.App.Id, e.Id, null, null, ct);
        var attempts = (await store.ListAttemptsAsync(ctx.App.Id, new AttemptQuery { Page = new PageRequest(500, null, true), EndpointId = e.Id, WithContent = false }, ct)).Data;
        var buckets = Charts.Buckets(attempts);
        string state = e.Disabled ? Status("disabled") + (e.DisabledReason is { } why ? $" <span class=\"muted\">{E(why)}</span>" : "") : Status("enabled");
        string failing = e.FailingSince is { } since ? $"<div class=\"card\">Failing since <b>{Time(since)}</b></div>" : "";
        string breaker = e.Breaker.Open
            ? $"<div class=\"card\" id=\"breaker\">Circuit breaker {Status("open")} since <b>{Time(e.Breaker.OpenedAt ?? e.UpdatedAt)}</b> · next probe <b>{Time(e.Breaker.NextProbeAt ?? e.UpdatedAt)}</b> · {e.Breaker.ConsecutiveFailures} failed in a row</div>"
            : "";
        // An ed25519 endpoint shows its public key, which is no secret; its whsk_ key never leaves Herald.
        bool asymmetric = SecretKinds.Of(e.Secret) == SecretKind.Ed25519;
        string secret = asymmetric || http.Request.Query["reveal"] == "1"
            ? $"<code id=\"secret\">{E(SecretKinds.VerificationKey(e.Secret))}</code>"
            : Link($"{at}?reveal=1", "Show secret");
        var headerLines = string.Join('\n', e.Headers.Select(h => $"{h.Key}: {(WebhookHeaders.IsSensitive(h.Key) ? "" : h.Value)}"));
        var recent = Table(["Attempt", "Time", "Message", "Code", "Duration"], attempts.Take(20).Select(a => new[]
        {
            E(a.Id), Time(a.Timestamp), Link($"{ctx.Base}/msg/{a.MsgId}", a.MsgId), Code(a.ResponseStatusCode), $"{a.ResponseDurationMs} ms",
        }), "endpoint-attempts");
        string ordering = await OrderingSectionAsync(store, ctx, e, at, ct);
        double maxLatency = buckets.Count == 0 ? 1000 : Math.Max(10, buckets.Max(b => b.AverageMs));
        string body = Notice(http) + $"""
            <div class="cards"><div class="card">URL <b>{E(e.Url)}</b></div><div class="card">State {state}</div>{failing}{breaker}
            <div class="card">Delivered <b>{stats.Success}</b> · pending <b>{stats.Pending + stats.Sending}</b> · failed <b>{stats.Fail}</b></div></div>
            <h2>Health</h2><div class="cards">
            {Charts.Line("chart-success", "Success rate", buckets, b => b.SuccessRate * 100, 100, "%")}
            {Charts.Line("chart-latency", "Average latency", buckets, b => b.AverageMs, maxLatency, " ms")}</div>
            {ordering}
            <h2>Settings</h2>
            {Form($"{at}/update", ctx.Csrf, $"""<label>URL <input name="url" type="url" size="40" value="{E(e.Url)}" required></label><label>Event types <input name="eventTypes" value="{E(string.Join(", ", e.EventTypes ?? []))}" placeholder="all"></label><label>Description <input name="description" value="{E(e.Description)}"></label>""", "Save", "block")}
            {Form($"{at}/state", ctx.Csrf, $"""<input type="hidden" name="disabled" value="{(e.Disabled ? "false" : "true")}">""", e.Disabled ? "Enable endpoint" : "Disable endpoint", "block")}
            <div class="block">{(asymmetric ? "Verification key (ed25519, <code>v1a</code>)" : "Signing secret")}: {secret} {Form($"{at}/rotate", ctx.Csrf, "", "Rotate secret")}</div>
            {Form($"{at}/headers", ctx.Csrf, $"""<label>Custom headers (one "Name: value" a line; sensitive values are not shown, leave them empty to keep them)<br><textarea name="headers" rows="3" cols="60">{E(headerLines)}</textarea></label><br>""", "Save headers", "block")}
            {Form($"{at}/recover", ctx.Csrf, $"""<label>Resend failed deliveries since <input name="since" type="datetime-local" value="{(time.GetUtcNow() - TimeSpan.FromDays(1)).UtcDateTime:yyyy-MM-ddTHH:mm}"></label>""", "Recover", "block")}
            <h2>Recent attempts</h2>{recent}
            """;
        return Page("Endpoint " + (e.Uid ?? e.Id), ctx.Nav, body);
    }
}
