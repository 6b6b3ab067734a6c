using Spectre.Console;

namespace Herald.Cli;

internal static class Usage
{
    private const string Text = """
        herald: manage a Herald webhook server and receive its webhooks locally.

        herald login --url URL --token TOKEN
        herald app list | create --name N [--uid U] | get APP | delete APP
        herald endpoint list|create|get|delete|secret|rotate|recover --app APP [ENDPOINT]
            create: --endpoint-url URL [--uid U] [--description D] [--event-types a,b] [--secret whsec_…|whsk_…] [--key-type ed25519]
            rotate: [--key whsec_…|whsk_…] [--key-type ed25519|hmac-sha256]    recover: --since TIME [--until TIME]
        herald event-type list | create --name N [--description D]
        herald send --app APP --type TYPE --data JSON [--event-id ID]
        herald message list --app APP [--type T] [--channel C] | get --app APP MSG
        herald attempt list --app APP --msg MSG [--endpoint E]
        herald resend --app APP --msg MSG (--endpoint E | --all)
        herald recover --app APP --endpoint E --since TIME [--until TIME]
        herald listen --app APP --forward-to http://localhost:5000/webhooks [--secret whsec_…|whsk_…] [--key-type ed25519]

        Every command: --url, --token (else HERALD_URL, HERALD_TOKEN, else the file written by login), --json.
        Lists: --limit N, --iterator IT. TIME: 2025-01-31T12:00:00Z, or an age like 30m, 2h, 1d.
        """;

    public static void Print(CliContext context) => context.Out.WriteLine(Text);
}
