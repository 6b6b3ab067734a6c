using Spectre.Console;
using System.Text.Json.Nodes;
using Herald.Cli.Http;
using Herald.Cli.Output;
using static Herald.Cli.Commands.Routes;

namespace Herald.Cli.Commands;

/// <summary><c>herald app list|create|get|delete</c>.</summary>
internal static class AppCommands
{
    private static readonly Column[] Columns = [new("ID", "id"), new("UID", "uid"), new("NAME", "name"), new("CREATED", "createdAt")];

    public static async Task<int> RunAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        switch (Verbs.Of(args, "list", "create", "get", "delete"))
        {
            case "list":
                Printer.List(context, args, await api.GetAsync(Apps + Page(args), cancellationToken), Columns);
                break;
            case "create":
                var body = new JsonObject { ["name"] = args.Require("name") };
                if (args.Get("uid") is { } uid)
                {
                    body["uid"] = uid;
                }
                Printer.Item(context, args, await api.PostAsync(Apps, body, cancellationToken));
                break;
            case "get":
                Printer.Item(context, args, await api.GetAsync(App(args.RequireId(2, "application")), cancellationToken));
                break;
            default:
                string id = args.RequireId(2, "application");
                await api.DeleteAsync(App(id), cancellationToken);
                context.Out.MarkupLineInterpolated($"Deleted application [bold]{id}[/].");
                break;
        }
        return 0;
    }
}
