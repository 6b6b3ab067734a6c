using Herald.Model;
using Herald.Storage;
using Endpoint = Herald.Model.Endpoint;
using static Herald.Server.Dashboard.Html;

namespace Herald.Server.Dashboard;

// The ordering section of an endpoint's page: how it is ordered, and the keys that are not moving and why.
internal static partial class AppPages
{
    private const int BlocksShown = 50;

    private static async Task<string> OrderingSectionAsync(IEndpointStore store, ConsoleContext ctx, Endpoint e, string at, CancellationToken ct)
    {
        if (e.Ordering == OrderingMode.None)
        {
            return "";
        }
        var blocks = await store.ListOrderingBlocksAsync(ctx.App.Id, e.Id, BlocksShown, ct);
        string per = e.Ordering switch
        {
            OrderingMode.Endpoint => "one sequence for the endpoint",
            OrderingMode.Channel => "one sequence per first channel",
            _ => "one sequence per ordering key",
        };
        string table = blocks.Count == 0
            ? "<p class=\"muted\" id=\"ordering-blocks\">No key is blocked: every sequence is moving.</p>"
            : Table(["Key", "Head message", "Why", "Attempts", "Next attempt", "Waiting behind it", "Last response", ""], blocks.Select(b => new[]
            {
                b.Key.Length == 0 ? "<span class=\"muted\">(none)</span>" : $"<code>{E(b.Key)}</code>",
                Link($"{ctx.Base}/msg/{b.HeadMsgId}", b.HeadMsgId),
                Status(b.Held ? "held" : b.Status == DeliveryStatus.Sending ? "sending" : "retrying"),
                b.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                b.Held ? "until an operator acts" : Time(b.NextAttempt),
                b.Waiting.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Shown(b.LastResponse is { Length: > 120 } r ? r[..120] + "…" : b.LastResponse),
                b.Held
                    ? Form($"{at}/ordering/skip", ctx.Csrf, $"""<input type="hidden" name="key" value="{E(b.Key)}">""", "Skip it")
                      + Form($"{ctx.Base}/msg/{b.HeadMsgId}/resend", ctx.Csrf, $"""<input type="hidden" name="endpoint" value="{E(e.Id)}">""", "Resend it")
                    : "",
            }), "ordering-blocks");
        return $"""
            <h2>Ordering</h2>
            <div class="cards"><div class="card" id="ordering">Ordered: <b>{E(per)}</b> · after the last retry: <b>{(e.OrderingOnExhaustion == OrderingOnExhaustion.Hold ? "hold the key" : "skip to the next message")}</b></div></div>
            {table}
            """;
    }
}
