using System.Text.Json.Nodes;
using Herald.Testing;
using Spectre.Console;

namespace Herald.Cli.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public JsonNode Json => JsonNode.Parse(Out) ?? throw new InvalidOperationException("No JSON output: " + Out + Error);

    public override string ToString() => $"exit {ExitCode}\n{Out}\n{Error}";
}

/// <summary>Runs the real <c>herald</c> entry point in-process, with captured consoles and its own environment and config folder.</summary>
public sealed class CliRunner : IDisposable
{
    private readonly TempDirectory _home = new();

    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

    public CliRunner() => Env["XDG_CONFIG_HOME"] = _home.Path;

    /// <summary>Makes the console a run writes to; by default a 240-column one without colours.</summary>
    public Func<TextWriter, IAnsiConsole> ConsoleFor { get; set; } = Wide;

    public string ConfigPath => Path.Combine(_home.Path, "herald", "config.json");

    public Task<CliResult> RunAsync(params string[] args) => Start(args, CancellationToken.None).Completion;

    /// <summary>Starts a long-running command (listen); its output can be read while it runs.</summary>
    public Running Start(string[] args, CancellationToken cancellationToken)
    {
        var @out = new CapturedWriter();
        var err = new CapturedWriter();
        var context = new CliContext(ConsoleFor(@out), ConsoleFor(err), name => Env.TryGetValue(name, out var v) ? v : null, TimeProvider.System);
        var completion = Task.Run(async () => new CliResult(await HeraldCli.RunAsync(args, context, cancellationToken), @out.ToString(), err.ToString()), CancellationToken.None);
        return new Running(@out, err, completion);
    }

    public static IAnsiConsole Wide(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        return console;
    }

    public void Dispose() => _home.Dispose();

    public sealed record Running(CapturedWriter Out, CapturedWriter Error, Task<CliResult> Completion);
}
