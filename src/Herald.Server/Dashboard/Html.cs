using System.Globalization;
using System.Net;
using System.Text;

namespace Herald.Server.Dashboard;

/// <summary>Server-rendered HTML for the dashboard and the portal: encoding helpers, the page frame and small widgets.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>
    /// A receiver's text, encoded, with its control characters (other than tab and line breaks) shown as their
    /// Unicode control pictures (U+0001 as ␁), so that what a receiver answered is seen, not swallowed.
    /// </summary>
    public static string Shown(string? text)
    {
        text ??= "";
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001F') && !text.Contains('\u007F', StringComparison.Ordinal))
        {
            return E(text);
        }
        var visible = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            visible.Append(c switch
            {
                '\t' or '\n' or '\r' => c,
                < ' ' => (char)(0x2400 + c),
                '\u007F' => '\u2421',
                _ => c,
            });
        }
        return E(visible.ToString());
    }

    public static string U(string? text) => Uri.EscapeDataString(text ?? "");

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? t) => t is { } v ? Time(v) : "–";

    public static IResult Page(string title, string nav, string body, int status = 200)
    {
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} · Herald</title><style>{{Style}}</style></head>
            <body><header><strong>Herald</strong>{{nav}}</header><main><h1>{{E(title)}}</h1>{{body}}</main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static string Table(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows, string? id = null)
    {
        var sb = new StringBuilder($"<table{(id is null ? "" : $" id=\"{id}\"")}><thead><tr>");
        foreach (var h in headers)
        {
            sb.Append("<th>").Append(E(h)).Append("</th>");
        }
        sb.Append("</tr></thead><tbody>");
        int count = 0;
        foreach (var row in rows)
        {
            count++;
            sb.Append("<tr>");
            foreach (var cell in row)
            {
                sb.Append("<td>").Append(cell).Append("</td>");
            }
            sb.Append("</tr>");
        }
        if (count == 0)
        {
            sb.Append("<tr><td colspan=\"99\" class=\"muted\">Nothing yet.</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>A POST form carrying the CSRF token; <paramref name="fields"/> is trusted markup.</summary>
    public static string Form(string action, string csrf, string fields, string button, string? cssClass = null) =>
        $"""<form method="post" action="{E(action)}" class="{cssClass ?? "inline"}"><input type="hidden" name="_csrf" value="{E(csrf)}">{fields}<button type="submit">{E(button)}</button></form>""";

    public static string Link(string href, string text) => $"""<a href="{E(href)}">{E(text)}</a>""";

    public static string Status(string text) => $"""<span class="status {E(text)}">{E(text)}</span>""";

    public static string Code(int code) => code == 0 ? "<span class=\"status fail\">no response</span>"
        : $"""<span class="status {(code is >= 200 and < 300 ? "success" : "fail")}">{code}</span>""";

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
        header{background:#1d2433;color:#fff;padding:.7rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
        header a{color:#cfe0ff;text-decoration:none}main{padding:1rem 1.5rem;max-width:1200px}
        table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1.2rem}
        th,td{border-bottom:1px solid #e3e6eb;padding:.4rem .6rem;text-align:left;font-size:.9rem;vertical-align:top}
        th{background:#eef1f5}pre{background:#fff;border:1px solid #e3e6eb;padding:.6rem;overflow:auto;max-height:20rem;font-size:.8rem}
        .status{padding:.1rem .4rem;border-radius:.3rem;font-size:.8rem;background:#e3e6eb}
        .success{background:#d5f5df;color:#14532d}.fail{background:#fde2e1;color:#7f1d1d}.pending,.sending{background:#fff3c4;color:#713f12}
        .muted{color:#6b7280}form.inline{display:inline}form.block{background:#fff;border:1px solid #e3e6eb;padding:.8rem;margin:.5rem 0}
        input,select{padding:.3rem;margin:.2rem .4rem .2rem 0}button{padding:.3rem .8rem;cursor:pointer}
        .cards{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#fff;border:1px solid #e3e6eb;padding:.8rem;min-width:14rem}
        .error{background:#fde2e1;padding:.6rem;border:1px solid #f5a9a6}svg{background:#fff;border:1px solid #e3e6eb}
        """;
}
