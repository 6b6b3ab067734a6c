using System.Globalization;
using Herald.Model;
using Herald.Storage;
using static Herald.Server.Dashboard.Html;

namespace Herald.Server.Dashboard;

/// <summary>An application's pages, shared by the dashboard and the consumer portal; the surface decides who sees which app.</summary>
internal static partial class AppPages
{
    public delegate Task<(ConsoleContext? Context, IResult? Denied)> Resolver(HttpContext http);

    public static void MapAppPages(this RouteGroupBuilder group, Resolver resolve)
    {
        group.MapGet("", (HttpContext http, IResourceStore store) => WithContext(http, resolve, ctx => OverviewAsync(http, store, ctx)));
        group.MapGet("/msg/{msg_id}", (string msg_id, HttpContext http, IResourceStore store) => WithContext(http, resolve, ctx => MessageAsync(http, store, ctx, msg_id)));
        group.MapGet("/endpoint/{endpoint_id}", (string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time) =>
            WithContext(http, resolve, ctx => EndpointAsync(http, store, time, ctx, endpoint_id)));
        group.MapAppActions(resolve);
    }

    public static async Task<IResult> WithContext(HttpContext http, Resolver resolve, Func<ConsoleContext, Task<IResult>> page)
    {
        var (ctx, denied) = await resolve(http);
        return ctx is null ? denied! : await page(ctx);
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, IResourceStore store, ConsoleContext ctx)
    {
        var ct = http.RequestAborted;
        var q = http.Request.Query;
        var endpoints = await store.ListEndpointsAsync(ctx.App.Id, new PageRequest(250), ct);
        var endpointTable = Table(["Endpoint", "URL", "State", "Event types"], endpoints.Data.Select(e => new[]
        {
            Link($"{ctx.Base}/endpoint/{e.Id}", e.Uid ?? e.Id), E(e.Url), e.Disabled ? Status("disabled") : Status("enabled"),
            E(e.EventTypes is { Count: > 0 } t ? string.Join(", ", t) : "all"),
        }), "endpoints");
        var addForm = Form($"{ctx.Base}/endpoint", ctx.Csrf,
            """<label>URL <input name="url" type="url" required size="40" placeholder="https://example.com/webhooks"></label><label>Event types <input name="eventTypes" placeholder="all"></label><label>Description <input name="description"></label>""",
            "Add endpoint", "block");

        string? search = q["q"];
        string? endpointFilter = q["endpoint"];
        string? eventType = q["event_type"];
        DeliveryStatus? status = Enum.TryParse<DeliveryStatus>(q["status"], true, out var s) ? s : null;
        var after = Parse(q["since"]);
        var before = Parse(q["until"]);
        var query = new MessageQuery
        {
            Page = new PageRequest(50, null, true), EventTypes = string.IsNullOrEmpty(eventType) ? null : [eventType!],
            After = after, Before = before, Status = status, WithContent = false,
        };
        IEnumerable<(Message Message, string State)> rows;
        string stateHeader = "Deliveries";
        if (!string.IsNullOrEmpty(search))
        {
            var found = await store.GetMessageAsync(ctx.App.Id, search!, ct);
            rows = found is null ? [] : [(found, await DeliverySummaryAsync(store, ctx.App.Id, found.Id, ct))];
        }
        else if (!string.IsNullOrEmpty(endpointFilter) && await store.GetEndpointAsync(ctx.App.Id, endpointFilter!, ct) is { } filtered)
        {
            stateHeader = "Status at endpoint";
            rows = (await store.ListEndpointMessagesAsync(ctx.App.Id, filtered.Id, query, ct)).Data.Select(m => (m.Message, Status(DeliveryStatusText.Of(m.Status))));
        }
        else
        {
            var listed = new List<(Message, string)>();
            foreach (var m in (await store.ListMessagesAsync(ctx.App.Id, query, ct)).Data)
            {
                listed.Add((m, await DeliverySummaryAsync(store, ctx.App.Id, m.Id, ct)));
            }
            rows = listed;
        }
        var messageTable = Table(["Message", "Event type", "Event id", "Created", stateHeader], rows.Select(r => new[]
        {
            Link($"{ctx.Base}/msg/{r.Message.Id}", r.Message.Id), E(r.Message.EventType), E(r.Message.EventId), Time(r.Message.CreatedAt), r.State,
        }), "messages");
        var options = string.Concat(endpoints.Data.Select(e =>
            $"""<option value="{E(e.Id)}"{(e.Id == endpointFilter ? " selected" : "")}>{E(e.Uid ?? e.Url)}</option>"""));
        var filters = $"""
            <form method="get" action="{E(ctx.Base)}" class="block" id="filters">
            <label>Id or event id <input name="q" value="{E(search)}"></label>
            <label>Event type <input name="event_type" value="{E(eventType)}"></label>
            <label>Endpoint <select name="endpoint"><option value="">any</option>{options}</select></label>
            <label>Status <select name="status"><option value="">any</option>{StatusOptions(status)}</select></label>
            <label>Since <input name="since" type="datetime-local" value="{E(q["since"])}"></label>
            <label>Until <input name="until" type="datetime-local" value="{E(q["until"])}"></label>
            <button type="submit">Search</button></form>
            """;
        string body = Notice(http) + $"<h2>Endpoints</h2>{endpointTable}{addForm}<h2>Messages</h2>{filters}{messageTable}";
        return Page(ctx.App.Name, ctx.Nav, body);
    }

    /// <summary>
    /// Without an endpoint filter a message has one delivery per endpoint: "2 success · 1 pending", each count in
    /// its status's colour, or "no endpoints" when nothing matched its event type.
    /// </summary>
    private static async Task<string> DeliverySummaryAsync(IResourceStore store, string appId, string msgId, CancellationToken ct)
    {
        var destinations = await store.ListMessageDestinationsAsync(appId, msgId, new PageRequest(250), ct);
        if (destinations.Data.Count == 0)
        {
            return """<span class="status none">no endpoints</span>""";
        }
        return string.Join(" · ", destinations.Data.GroupBy(d => d.Status).OrderBy(g => g.Key)
            .Select(g => $"""<span class="status {E(DeliveryStatusText.Of(g.Key))}">{g.Count()} {E(DeliveryStatusText.Of(g.Key))}</span>"""));
    }

    private static string StatusOptions(DeliveryStatus? selected) => string.Concat(
        new[] { DeliveryStatus.Success, DeliveryStatus.Pending, DeliveryStatus.Fail, DeliveryStatus.Sending }.Select(s =>
            $"""<option value="{s}"{(s == selected ? " selected" : "")}>{DeliveryStatusText.Of(s)}</option>"""));

    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>What the last form did, or why it was refused (then nothing changed).</summary>
    public static string Notice(HttpContext http) =>
        http.Request.Query["error"].ToString() is { Length: > 0 } error ? $"""<p class="card error" id="form-error">Not saved: {E(error)}</p>"""
        : http.Request.Query["done"].ToString() is { Length: > 0 } done ? $"""<p class="card" id="notice">{E(done)}</p>""" : "";
}
