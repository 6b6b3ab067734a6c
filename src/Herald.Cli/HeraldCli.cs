using Herald.Cli.Commands;
using Herald.Cli.Config;
using Herald.Cli.Http;
using Herald.Cli.Listen;
using Spectre.Console;

namespace Herald.Cli;

/// <summary>The <c>herald</c> entry point: parses the command line, runs one command and returns the exit code.</summary>
internal static class HeraldCli
{
    public static async Task<int> RunAsync(string[] argv, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            var args = CliArgs.Parse(argv);
            if (args.Positional.Count == 0 || args.Has("help") || args.Positional[0] == "help")
            {
                Usage.Print(context);
                return args.Positional.Count == 0 && !args.Has("help") ? CliException.Usage : 0;
            }
            switch (args.Positional[0])
            {
                case "login":
                    return await LoginCommand.RunAsync(args, context, cancellationToken);
                case "listen":
                    return await ListenCommand.RunAsync(args, context, cancellationToken);
            }
            Func<CliArgs, CliContext, HeraldApi, CancellationToken, Task<int>> command = args.Positional[0] switch
            {
                "app" => AppCommands.RunAsync,
                "endpoint" => EndpointCommands.RunAsync,
                "event-type" => EventTypeCommands.RunAsync,
                "send" => MessageCommands.SendAsync,
                "message" => MessageCommands.MessageAsync,
                "attempt" => MessageCommands.AttemptAsync,
                "resend" => ResendCommand.RunAsync,
                "recover" => RecoverCommand.RunAsync,
                var other => throw new CliException($"Unknown command '{other}'; run herald --help.", CliException.Usage),
            };
            using var api = new HeraldApi(Connection.Resolve(args, context));
            return await command(args, context, api, cancellationToken);
        }
        catch (CliException ex)
        {
            context.Error.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }
}
