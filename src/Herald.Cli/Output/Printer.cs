using System.Text.Json.Nodes;
using Herald.Cli.Http;
using Spectre.Console;

namespace Herald.Cli.Output;

/// <summary>One table column: its header and the JSON property it shows.</summary>
internal sealed record Column(string Header, string Property);

/// <summary>Prints replies as tables, or as the raw JSON with <c>--json</c>.</summary>
internal static class Printer
{
    private const int ShortValue = 16;

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
        var cells = items.Select(item => columns.Select(c => Text(item[c.Property])).ToArray()).ToList();
        var table = new Table().Border(TableBorder.Rounded);
        for (int i = 0; i < columns.Length; i++)
        {
            // Short values (statuses, codes, counts) never break; when the terminal is too narrow, the long ones
            // (ids, URLs, times) wrap instead, so a status reads "fail", never "f/a/i/l".
            bool shortValues = cells.All(row => row[i].Length <= ShortValue) && columns[i].Header.Length <= ShortValue;
            table.AddColumn(new TableColumn(columns[i].Header) { NoWrap = shortValues });
        }
        foreach (var row in cells)
        {
            table.AddRow(row.Select(text => new Text(text)).ToArray<Spectre.Console.Rendering.IRenderable>());
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
