using System.Text.Json.Nodes;
using Herald.Cli.Http;
using Herald.Cli.Output;

namespace Herald.Cli.Commands;

/// <summary><c>herald event-type list|create</c>.</summary>
internal static class EventTypeCommands
{
    private const string Path = "api/v1/event-type";

    public static async Task<int> RunAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        if (Verbs.Of(args, "list", "create") == "list")
        {
            Printer.List(context, args, await api.GetAsync(Path + Routes.Page(args), cancellationToken),
                new Column("NAME", "name"), new Column("DESCRIPTION", "description"), new Column("ARCHIVED", "archived"), new Column("DEPRECATED", "deprecated"));
            return 0;
        }
        string name = args.Get("name") ?? args.RequireId(2, "event type name");
        var body = new JsonObject { ["name"] = name, ["description"] = args.Get("description") ?? name };
        Printer.Item(context, args, await api.PostAsync(Path, body, cancellationToken));
        return 0;
    }
}
