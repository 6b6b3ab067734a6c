using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Herald.Server.OpenApi;

/// <summary>The API reference at <c>/docs</c>, rendered on the server from the OpenAPI document: no scripts, no third-party files.</summary>
internal static class DocsPage
{
    private const string Style = """
        body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;display:flex}
        nav{width:260px;padding:16px;border-right:1px solid #ddd;height:100vh;overflow:auto;position:sticky;top:0;font-size:13px}
        nav a{display:block;color:#0969da;text-decoration:none;padding:1px 0}
        main{padding:16px 32px;max-width:960px}
        section.op{border:1px solid #ddd;border-radius:6px;margin:12px 0;padding:8px 16px}
        .m{display:inline-block;min-width:56px;font-weight:600;text-transform:uppercase;font-family:monospace}
        .get{color:#1a7f37}.post{color:#0969da}.put{color:#9a6700}.patch{color:#8250df}.delete{color:#cf222e}
        code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
        table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;padding:2px 10px 2px 0;text-align:left;vertical-align:top}
        """;

    public static string Render(JsonObject doc)
    {
        var html = new StringBuilder();
        var info = doc["info"]!;
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(info["title"])).Append("</title><style>")
            .Append(Style).Append("</style></head><body><nav><strong>Operations</strong>");
        var operations = Operations(doc).ToList();
        foreach (var (path, method, op) in operations)
        {
            html.Append("<a href=\"#").Append(E(op["operationId"])).Append("\"><span class=\"m ").Append(method).Append("\">").Append(method)
                .Append("</span> ").Append(E(path["/api/v1".Length..])).Append("</a>");
        }
        html.Append("<strong>Schemas</strong>");
        foreach (var (name, _) in doc["components"]!["schemas"]!.AsObject())
        {
            html.Append("<a href=\"#schema-").Append(E(name)).Append("\">").Append(E(name)).Append("</a>");
        }
        html.Append("</nav><main><h1>").Append(E(info["title"])).Append("</h1><p>").Append(E(info["description"]))
            .Append("</p><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI ").Append(E(doc["openapi"])).Append(").</p>");
        foreach (var (path, method, op) in operations)
        {
            Operation(html, path, method, op);
        }
        html.Append("<h2>Schemas</h2>");
        foreach (var (name, schema) in doc["components"]!["schemas"]!.AsObject())
        {
            Schema(html, name, schema!);
        }
        return html.Append("</main></body></html>").ToString();
    }

    private static IEnumerable<(string Path, string Method, JsonNode Op)> Operations(JsonObject doc) =>
        doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key, m.Value!)));

    private static void Operation(StringBuilder html, string path, string method, JsonNode op)
    {
        html.Append("<section class=\"op\" id=\"").Append(E(op["operationId"])).Append("\"><h3><span class=\"m ").Append(method).Append("\">")
            .Append(method).Append("</span> <code>").Append(E(path)).Append("</code></h3><p>").Append(E(op["summary"])).Append("</p>");
        if (op["parameters"] is JsonArray { Count: > 0 } parameters)
        {
            html.Append("<table><tr><th>parameter</th><th>in</th><th>required</th></tr>");
            foreach (var p in parameters)
            {
                html.Append("<tr><td><code>").Append(E(p!["name"])).Append("</code></td><td>").Append(E(p["in"])).Append("</td><td>")
                    .Append(p["required"]!.GetValue<bool>() ? "yes" : "").Append("</td></tr>");
            }
            html.Append("</table>");
        }
        if (op["requestBody"]?["content"]?["application/json"]?["schema"] is { } body)
        {
            html.Append("<p>Body: ").Append(SchemaLink(body)).Append("</p>");
        }
        html.Append("<p>Responses: ");
        foreach (var (status, response) in op["responses"]!.AsObject())
        {
            var schema = response!["content"]?.AsObject().FirstOrDefault().Value?["schema"];
            html.Append("<code>").Append(E(status)).Append("</code> ").Append(schema is null ? "" : SchemaLink(schema)).Append(" &nbsp; ");
        }
        html.Append("</p></section>");
    }

    private static void Schema(StringBuilder html, string name, JsonNode schema)
    {
        html.Append("<section class=\"op\" id=\"schema-").Append(E(name)).Append("\"><h3>").Append(E(name)).Append("</h3>");
        if (schema["properties"] is JsonObject properties)
        {
            var required = schema["required"]?.AsArray().Select(r => r?.ToString()).ToHashSet() ?? [];
            html.Append("<table><tr><th>property</th><th>type</th><th>required</th></tr>");
            foreach (var (prop, value) in properties)
            {
                html.Append("<tr><td><code>").Append(E(prop)).Append("</code></td><td>").Append(E(TypeOf(value))).Append("</td><td>")
                    .Append(required.Contains(prop) ? "yes" : "").Append("</td></tr>");
            }
            html.Append("</table>");
        }
        html.Append("</section>");
    }

    private static string TypeOf(JsonNode? schema) => schema switch
    {
        JsonObject o when o["type"] is JsonArray types => string.Join(" | ", types.Select(t => t?.ToString())) + Format(o),
        JsonObject o when o["type"] is { } type => type + Format(o),
        JsonObject o when o["$ref"] is { } r => r.ToString().Split('/')[^1],
        _ => "any JSON",
    };

    private static string Format(JsonObject o) =>
        o["format"] is { } f ? $" ({f})" : o["items"] is { } items ? $" of {TypeOf(items)}" : "";

    private static string SchemaLink(JsonNode schema)
    {
        string name = schema["$ref"]!.ToString().Split('/')[^1];
        return $"<a href=\"#schema-{E(name)}\">{E(name)}</a>";
    }

    private static string E(object? value) => WebUtility.HtmlEncode(value?.ToString() ?? "");
}
