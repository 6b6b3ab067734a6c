using System.Text.Json;
using Herald.Server.Streaming;

namespace Herald.Server.Dashboard;

/// <summary>The dashboard's live tail: a page that follows <c>/dashboard/tail/stream</c> (server-sent events of stored outcomes).</summary>
internal static class DashboardTail
{
    private const string TailScript = """
        const rows = document.querySelector('#tail tbody');
        const source = new EventSource('/dashboard/tail/stream');
        source.addEventListener('delivery', ev => {
          const d = JSON.parse(ev.data);
          const tr = document.createElement('tr');
          const link = document.createElement('a');
          link.href = '/dashboard/app/' + encodeURIComponent(d.appId) + '/msg/' + encodeURIComponent(d.msgId);
          link.textContent = d.msgId;
          const cells = [d.at, link, d.endpointId, d.eventType, d.status, d.code ?? '', d.durationMs == null ? '' : d.durationMs + ' ms'];
          for (const c of cells) { const td = document.createElement('td'); if (c instanceof Node) td.appendChild(c); else td.textContent = c; tr.appendChild(td); }
          tr.className = d.status;
          rows.prepend(tr);
          while (rows.children.length > 200) rows.lastChild.remove();
        });
        """;

    public static void MapDashboardTail(this RouteGroupBuilder group)
    {
        group.MapGet("/tail", (HttpContext http, DashboardSession sessions) =>
        {
            if (DashboardPages.Session(http, sessions) is not { } s)
            {
                return Results.Redirect("/dashboard/login");
            }
            const string body = """
                <p class="muted">Deliveries as they are recorded, newest first, by every node of the cluster.</p>
                <table id="tail"><thead><tr><th>Time</th><th>Message</th><th>Endpoint</th><th>Event type</th><th>Status</th><th>Code</th><th>Duration</th></tr></thead><tbody></tbody></table>
                <script src="/dashboard/tail.js"></script>
                """;
            return Html.Page("Live tail", DashboardPages.Nav(sessions.Csrf(s)), body);
        });

        // Served as a file, not inline, so the pages' Content-Security-Policy can forbid inline scripts.
        group.MapGet("/tail.js", () => Results.Text(TailScript, "text/javascript; charset=utf-8"));

        group.MapGet("/tail/stream", async (HttpContext http, DashboardSession sessions, DeliveryFeed feed) =>
        {
            if (DashboardPages.Session(http, sessions) is null)
            {
                return Results.Unauthorized();
            }
            var ct = http.RequestAborted;
            using var subscription = feed.Subscribe();
            var sse = new ServerSentEvents(http.Response);
            await sse.StartAsync(ct);
            try
            {
                await foreach (var e in subscription.Reader.ReadAllAsync(ct))
                {
                    await sse.SendAsync("delivery", e.MsgId, JsonSerializer.Serialize(e, StreamJsonContext.Default.TailEvent), ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The browser went away.
            }
            return Results.Empty;
        });
    }
}
