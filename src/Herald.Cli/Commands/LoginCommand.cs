using Spectre.Console;
using Herald.Cli.Config;
using Herald.Cli.Http;

namespace Herald.Cli.Commands;

/// <summary><c>herald login --url URL --token TOKEN</c>: checks the token against the server, then saves both (mode 0600).</summary>
internal static class LoginCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, CancellationToken cancellationToken)
    {
        var connection = new Connection(Connection.ParseUrl(args.Require("url")), args.Require("token"));
        using (var api = new HeraldApi(connection))
        {
            await api.GetAsync("api/v1/app?limit=1", cancellationToken);
        }
        string path = ConfigFile.PathFor(context.Env);
        ConfigFile.Save(path, new CliConfig(connection.BaseUrl.ToString().TrimEnd('/'), connection.Token));
        context.Out.MarkupLineInterpolated($"Logged in to [bold]{connection.BaseUrl}[/]; saved to {path}.");
        return 0;
    }
}
