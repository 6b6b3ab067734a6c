using Spectre.Console;

namespace Herald.Cli;

/// <summary>What a run of the CLI talks to: its consoles, its environment and its clock. Tests pass captured ones.</summary>
internal sealed record CliContext(IAnsiConsole Out, IAnsiConsole Error, Func<string, string?> Env, TimeProvider Time)
{
    /// <summary>Writes text as is (JSON, secrets), without markup or wrapping.</summary>
    public void WriteRaw(string text) => Out.Profile.Out.Writer.WriteLine(text);
}

/// <summary>A failure to report to the user: the message is shown and the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public const int Usage = 2;

    public int ExitCode => exitCode;
}
