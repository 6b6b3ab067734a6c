using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Cli.Http;
using Herald.Cli.Output;
using static Herald.Cli.Commands.Routes;

namespace Herald.Cli.Commands;

/// <summary><c>herald send</c>, <c>herald message list|get</c> and <c>herald attempt list</c>.</summary>
internal static class MessageCommands
{
    private static readonly Column[] Columns = [new("ID", "id"), new("EVENT TYPE", "eventType"), new("EVENT ID", "eventId"), new("TIME", "timestamp")];

    public static async Task<int> SendAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        string app = args.Require("app");
        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(args.Require("data"));
        }
        catch (JsonException ex)
        {
            throw new CliException($"--data is not valid JSON: {ex.Message}", CliException.Usage);
        }
        var body = new JsonObject { ["eventType"] = args.Require("type"), ["payload"] = payload };
        if (args.Get("event-id") is { } eventId)
        {
            body["eventId"] = eventId;
        }
        Printer.Item(context, args, await api.PostAsync(Messages(app), body, cancellationToken));
        return 0;
    }

    public static async Task<int> MessageAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        string verb = Verbs.Of(args, "list", "get");
        string app = args.Require("app");
        if (verb == "list")
        {
            string query = Page(args, ("event_types", args.Get("type")), ("channel", args.Get("channel")), ("with_content", "false"));
            Printer.List(context, args, await api.GetAsync(Messages(app) + query, cancellationToken), Columns);
        }
        else
        {
            Printer.Item(context, args, await api.GetAsync(Message(app, args.RequireId(2, "message")), cancellationToken));
        }
        return 0;
    }

    public static async Task<int> AttemptAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        Verbs.Of(args, "list");
        string path = $"{App(args.Require("app"))}/attempt/msg/{E(args.Require("msg"))}";
        Printer.List(context, args, await api.GetAsync(path + Page(args, ("endpoint_id", args.Get("endpoint")), ("with_content", "false")), cancellationToken),
            new Column("ID", "id"), new Column("ENDPOINT", "endpointId"), new Column("STATUS", "statusText"), new Column("CODE", "responseStatusCode"),
            new Column("MS", "responseDurationMs"), new Column("TIME", "timestamp"));
        return 0;
    }
}
