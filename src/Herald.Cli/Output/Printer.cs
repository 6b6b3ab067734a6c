using System.Text.Json.Nodes;
using Herald.Cli.Http;
using Spectre.Console;

namespace Herald.Cli.Output;

/// <summary>One table column: its header and the JSON property it shows.</summary>
internal sealed record Column(string Header, string Property);

/// <summary>Prints replies as tables, or as the raw JSON with <c>--json</c>.</summary>
internal static class Printer
{
    public static void List(CliContext context, CliArgs args, ApiReply reply, params Column[] columns)
    {
        if (args.Has("json"))
        {
            context.WriteRaw(reply.Text);
            return;
        }
        var items = reply.Json?["data"]?.AsArray() ?? [];
        Rows(context, items.Where(i => i is not null).Select(i => i!).ToList(), columns);
        if (reply.Json?["done"]?.GetValue<bool>() == false)
        {
            context.Out.MarkupLine("[grey]More results: raise --limit or page with --iterator {0}[/]", Markup.Escape(Text(reply.Json["iterator"])));
        }
    }

    public static void Rows(CliContext context, IReadOnlyList<JsonNode> items, params Column[] columns)
    {
        if (items.Count == 0)
        {
            context.Out.MarkupLine("[grey](none)[/]");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns)
        {
            table.AddColumn(new TableColumn(c.Header) { NoWrap = true });
        }
        foreach (var item in items)
        {
            table.AddRow(columns.Select(c => new Text(Text(item[c.Property]))).ToArray<Spectre.Console.Rendering.IRenderable>());
        }
        context.Out.Write(table);
    }

    /// <summary>One object as a property/value grid.</summary>
    public static void Item(CliContext context, CliArgs args, ApiReply reply)
    {
        if (args.Has("json"))
        {
            context.WriteRaw(reply.Text);
            return;
        }
        if (reply.Json is not JsonObject obj)
        {
            context.Out.MarkupLine("[green]done[/]");
            return;
        }
        var grid = new Grid().AddColumn(new GridColumn { NoWrap = true }).AddColumn();
        foreach (var (name, value) in obj)
        {
            grid.AddRow(new Text(name, new Style(Color.Grey)), new Text(Text(value)));
        }
        context.Out.Write(grid);
    }

    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s ?? "",
        _ => node.ToJsonString(),
    };
}
