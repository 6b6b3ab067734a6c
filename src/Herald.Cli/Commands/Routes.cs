namespace Herald.Cli.Commands;

/// <summary>Herald API paths, with ids escaped.</summary>
internal static class Routes
{
    public static string E(string value) => Uri.EscapeDataString(value);

    public static string Apps => "api/v1/app";

    public static string App(string app) => $"api/v1/app/{E(app)}";

    public static string Endpoints(string app) => $"{App(app)}/endpoint";

    public static string Endpoint(string app, string endpoint) => $"{Endpoints(app)}/{E(endpoint)}";

    public static string Messages(string app) => $"{App(app)}/msg";

    public static string Message(string app, string msg) => $"{Messages(app)}/{E(msg)}";

    public static string Stream(string app) => $"{App(app)}/stream";

    /// <summary>The query string for a list command's <c>--limit</c> and <c>--iterator</c>.</summary>
    public static string Page(CliArgs args, params (string Name, string? Value)[] extra)
    {
        var parts = new List<string>();
        foreach (var (name, value) in extra.Append(("limit", args.Get("limit"))).Append(("iterator", args.Get("iterator"))))
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={E(value)}");
            }
        }
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
