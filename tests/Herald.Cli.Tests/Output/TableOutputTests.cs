using System.Text.RegularExpressions;
using Herald.Cli.Output;
using Herald.Cli.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Cli.Tests.Output;

/// <summary>Tables piped to a file keep every row on one line; on a narrow terminal short values stay whole.</summary>
public sealed partial class TableOutputTests : IAsyncLifetime
{
    private CliServer _server = null!;
    private TestReceiver _receiver = null!;
    private string _msgId = "";

    public async Task InitializeAsync()
    {
        _server = await CliServer.StartAsync();
        _receiver = await TestReceiver.StartAsync();
        _receiver.Respond = (ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        using var cli = Cli(w => CliRunner.Wide(w));
        Assert.Equal(0, (await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("endpoint", "create", "--app", "shop", "--endpoint-url", _receiver.Url(), "--uid", "main")).ExitCode);
        var sent = await cli.RunAsync("send", "--app", "shop", "--type", "order.paid", "--data", """{"order":42}""", "--json");
        _msgId = sent.Json["id"]!.GetValue<string>();
        await Eventually.WaitAsync(() => cli.RunAsync("attempt", "list", "--app", "shop", "--msg", _msgId, "--json"),
            r => r.ExitCode == 0 && r.Json["data"]!.AsArray().Count >= 1, what: "a failed attempt");
    }

    [Fact]
    public async Task Redirected_output_prints_each_attempt_on_one_line_with_whole_values()
    {
        using var cli = Cli(w => Consoles.Create(w, redirected: true));

        var result = await cli.RunAsync("attempt", "list", "--app", "shop", "--msg", _msgId);

        Assert.Equal(0, result.ExitCode);
        var rows = result.Out.Split('\n').Where(l => l.Contains("atmpt_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.Matches(@"│ atmpt_[A-Za-z0-9]+ +│ ep_[A-Za-z0-9]+ +│ fail +│ 500 +│", row);
            Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", row);
        });
    }

    [Fact]
    public async Task A_narrow_terminal_wraps_ids_but_keeps_the_status_word_whole()
    {
        using var cli = Cli(w =>
        {
            var console = Consoles.Create(w, redirected: false);
            console.Profile.Width = 60;
            return console;
        });

        var result = await cli.RunAsync("attempt", "list", "--app", "shop", "--msg", _msgId);

        Assert.Equal(0, result.ExitCode);
        Assert.All(result.Out.Split('\n'), l => Assert.True(l.Length <= 60, $"line wider than the terminal: {l}"));
        Assert.Matches(StatusCell(), result.Out);
        Assert.DoesNotMatch(@"│ fa +│", result.Out);
    }

    private CliRunner Cli(Func<TextWriter, Spectre.Console.IAnsiConsole> console)
    {
        var cli = new CliRunner { ConsoleFor = console };
        cli.Env["HERALD_URL"] = _server.Url;
        cli.Env["HERALD_TOKEN"] = CliServer.Token;
        return cli;
    }

    [GeneratedRegex(@"│ fail +│")]
    private static partial Regex StatusCell();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }
}
