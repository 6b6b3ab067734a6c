using Spectre.Console;

namespace Herald.Cli.Output;

/// <summary>
/// The consoles the CLI writes to. A terminal gets Spectre's defaults (its own width, colours). Output that is
/// redirected to a file or a pipe has no width to fit, so tables are printed at full width instead of being
/// squeezed into 80 columns, and without colour codes.
/// </summary>
internal static class Consoles
{
    /// <summary>The width a redirected console pretends to have: wide enough that no row is ever wrapped.</summary>
    public const int RedirectedWidth = 8192;

    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        if (!redirected)
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
