using Herald.Cli.Http;
using Spectre.Console;
using static Herald.Cli.Commands.Routes;

namespace Herald.Cli.Commands;

/// <summary><c>herald resend --app A --msg M (--endpoint E | --all)</c>; <c>--all</c> resends to every endpoint the message went to, with a progress bar.</summary>
internal static class ResendCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, HeraldApi api, CancellationToken cancellationToken)
    {
        string app = args.Require("app");
        string msg = args.Require("msg");
        string? endpoint = args.Get("endpoint");
        if (endpoint is null != args.Has("all"))
        {
            throw new CliException("Give either --endpoint E or --all.", CliException.Usage);
        }
        if (endpoint is not null)
        {
            await api.PostAsync($"{Message(app, msg)}/endpoint/{E(endpoint)}/resend", null, cancellationToken);
            context.Out.MarkupLineInterpolated($"Resending [bold]{msg}[/] to [bold]{endpoint}[/].");
            return 0;
        }
        var destinations = await api.ListAllAsync($"{Message(app, msg)}/endpoint", cancellationToken);
        var failures = new List<string>();
        await context.Out.Progress().AutoClear(false).StartAsync(async progress =>
        {
            var task = progress.AddTask($"Resending {msg}", maxValue: Math.Max(1, destinations.Count));
            foreach (var d in destinations)
            {
                string id = d["id"]!.GetValue<string>();
                try
                {
                    await api.PostAsync($"{Message(app, msg)}/endpoint/{E(id)}/resend", null, cancellationToken);
                }
                catch (CliException ex)
                {
                    failures.Add($"{id}: {ex.Message}");
                }
                task.Increment(1);
            }
            task.Value = task.MaxValue;
        });
        foreach (var f in failures)
        {
            context.Error.MarkupLineInterpolated($"[red]error:[/] {f}");
        }
        context.Out.MarkupLineInterpolated($"Resent to {destinations.Count - failures.Count} of {destinations.Count} endpoints.");
        return failures.Count == 0 ? 0 : 1;
    }
}
