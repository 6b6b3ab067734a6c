namespace Herald.Cli.Config;

/// <summary>The server and token a command uses: flags, then HERALD_URL/HERALD_TOKEN, then the config file.</summary>
internal sealed record Connection(Uri BaseUrl, string Token)
{
    public static Connection Resolve(CliArgs args, CliContext context)
    {
        var file = ConfigFile.Load(ConfigFile.PathFor(context.Env));
        string url = First(args.Get("url"), context.Env("HERALD_URL"), file?.Url)
            ?? throw new CliException("No Herald URL: pass --url, set HERALD_URL, or run herald login --url URL --token TOKEN.");
        string token = First(args.Get("token"), context.Env("HERALD_TOKEN"), file?.Token)
            ?? throw new CliException("No Herald token: pass --token, set HERALD_TOKEN, or run herald login --url URL --token TOKEN.");
        return new Connection(ParseUrl(url), token);
    }

    public static Uri ParseUrl(string url) =>
        Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliException($"'{url}' is not an http(s) URL.", CliException.Usage);

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
