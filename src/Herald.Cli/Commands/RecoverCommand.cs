using Spectre.Console;
using System.Text.Json.Nodes;
using Herald.Cli.Http;
using static Herald.Cli.Commands.Routes;

namespace Herald.Cli.Commands;

/// <summary><c>herald recover --app A --endpoint E --since TIME</c>: re-queues the endpoint's failed deliveries since then.</summary>
internal static class RecoverCommand
{
    public static Task<int> RunAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken) =>
        RecoverAsync(context, args, api, args.Require("app"), args.Require("endpoint"), cancellationToken);

    public static async Task<int> RecoverAsync(CliContext context, CliArgs args, HeraldApi api, string app, string endpoint, CancellationToken cancellationToken)
    {
        var since = TimeArg.Parse(args.Require("since"), "since", context.Time);
        var body = new JsonObject { ["since"] = TimeArg.Format(since) };
        if (args.Get("until") is { } until)
        {
            body["until"] = TimeArg.Format(TimeArg.Parse(until, "until", context.Time));
        }
        var reply = await api.PostAsync($"{Endpoint(app, endpoint)}/recover", body, cancellationToken);
        if (args.Has("json"))
        {
            context.WriteRaw(reply.Text);
        }
        else
        {
            context.Out.MarkupLineInterpolated($"Recovering failed messages of endpoint [bold]{endpoint}[/] since {TimeArg.Format(since)}.");
        }
        return 0;
    }
}
