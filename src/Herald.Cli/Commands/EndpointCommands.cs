using Spectre.Console;
using System.Text.Json.Nodes;
using Herald.Cli.Http;
using Herald.Cli.Output;
using static Herald.Cli.Commands.Routes;

namespace Herald.Cli.Commands;

/// <summary><c>herald endpoint list|create|get|delete|secret|rotate|recover</c> (all with <c>--app</c>).</summary>
internal static class EndpointCommands
{
    private static readonly Column[] Columns =
        [new("ID", "id"), new("UID", "uid"), new("URL", "url"), new("DISABLED", "disabled"), new("EVENT TYPES", "eventTypes")];

    public static async Task<int> RunAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        string verb = Verbs.Of(args, "list", "create", "get", "delete", "secret", "rotate", "recover");
        string app = args.Require("app");
        switch (verb)
        {
            case "list":
                Printer.List(context, args, await api.GetAsync(Endpoints(app) + Page(args), cancellationToken), Columns);
                return 0;
            case "create":
                Printer.Item(context, args, await api.PostAsync(Endpoints(app), CreateBody(args), cancellationToken));
                return 0;
            case "recover":
                return await RecoverCommand.RecoverAsync(context, args, api, app, args.RequireId(2, "endpoint"), cancellationToken);
        }
        string id = args.RequireId(2, "endpoint");
        switch (verb)
        {
            case "get":
                Printer.Item(context, args, await api.GetAsync(Endpoint(app, id), cancellationToken));
                break;
            case "delete":
                await api.DeleteAsync(Endpoint(app, id), cancellationToken);
                context.Out.MarkupLineInterpolated($"Deleted endpoint [bold]{id}[/].");
                break;
            case "secret":
                // Shown because the user asked for it.
                var secret = await api.GetAsync($"{Endpoint(app, id)}/secret", cancellationToken);
                context.WriteRaw(args.Has("json") ? secret.Text : Printer.Text(secret.Json?["key"]));
                break;
            default:
                var body = new JsonObject();
                if (args.Get("key") is { } key)
                {
                    body["key"] = key;
                }
                if (args.Get("key-type") is { } keyType)
                {
                    body["keyType"] = keyType;
                }
                await api.PostAsync($"{Endpoint(app, id)}/secret/rotate", body, cancellationToken);
                context.Out.MarkupLineInterpolated($"Rotated the secret of endpoint [bold]{id}[/]; the previous one stays valid for the server's grace period.");
                break;
        }
        return 0;
    }

    private static JsonObject CreateBody(CliArgs args)
    {
        // --url names the Herald server, so the endpoint's URL has its own option (or is given positionally).
        string url = args.Get("endpoint-url") ?? (args.Positional.Count > 2 ? args.Positional[2]
            : throw new CliException("Give the endpoint's URL: --endpoint-url https://…", CliException.Usage));
        var body = new JsonObject { ["url"] = url };
        foreach (var (option, field) in new[] { ("uid", "uid"), ("description", "description"), ("secret", "secret"), ("key-type", "keyType") })
        {
            if (args.Get(option) is { } value)
            {
                body[field] = value;
            }
        }
        if (args.Get("event-types") is { } types)
        {
            body["eventTypes"] = new JsonArray(types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => (JsonNode?)t).ToArray());
        }
        return body;
    }
}
