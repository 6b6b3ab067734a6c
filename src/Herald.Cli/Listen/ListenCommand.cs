using Herald.Cli.Commands;
using Herald.Cli.Config;
using Herald.Cli.Http;
using Herald.Signing;
using Spectre.Console;

namespace Herald.Cli.Listen;

/// <summary>
/// <c>herald listen --app A --forward-to URL [--secret whsec_…|whsk_…] [--key-type ed25519]</c>: follows the application's
/// message stream and re-posts each message to a local URL, signed with a local secret (<c>v1</c>) or key pair (<c>v1a</c>). Reconnects with backoff, resuming after the last message seen.
/// </summary>
internal static class ListenCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, CancellationToken cancellationToken)
    {
        string app = args.Require("app");
        var target = ParseTarget(args.Require("forward-to"));
        var (secretText, secret) = ListenKey.Resolve(args.Get("secret"), args.Get("key-type"));
        var connection = Connection.Resolve(args, context);
        using var api = new HeraldApi(connection, Timeout.InfiniteTimeSpan);
        using var local = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var forwarder = new Forwarder(local, target, secret, context);

        context.Out.MarkupLineInterpolated($"Forwarding messages of application [bold]{app}[/] to [bold]{target}[/]");
        // A symmetric secret is printed on purpose: the developer's app needs it to verify what we forward. Of a key
        // pair only the public half is shown, as Herald's secret API does.
        context.WriteRaw(secret.IsAsymmetric
            ? $"Public key (v1a; configure your app with it): {secret.VerificationKey}"
            : $"Signing secret: {secretText}");

        var backoff = new Backoff();
        string? lastId = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in EventStream.ReadAsync(api.Http, Routes.Stream(app), lastId, () => Connected(context, backoff), cancellationToken))
                {
                    if (e.Event == "message")
                    {
                        await forwarder.ForwardAsync(e.Data, cancellationToken);
                        lastId = e.Id ?? lastId;
                    }
                }
                context.Error.MarkupLine("[yellow]The stream ended.[/]");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                context.Error.MarkupLineInterpolated($"[yellow]Connection lost: {ex.Message}[/]");
            }
            var delay = backoff.Next();
            context.Error.MarkupLineInterpolated($"[grey]Reconnecting in {delay.TotalSeconds:0} s…[/]");
            try
            {
                await Task.Delay(delay, context.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return 0;
    }

    private static void Connected(CliContext context, Backoff backoff)
    {
        backoff.Reset();
        context.Out.MarkupLine("[green]Connected[/]; waiting for messages (Ctrl+C to stop).");
    }

    private static Uri ParseTarget(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliException($"--forward-to must be an http(s) URL, not '{url}'.", CliException.Usage);
}
