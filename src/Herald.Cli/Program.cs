using Herald.Cli;
using Spectre.Console;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var context = new CliContext(AnsiConsole.Console, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }),
    Environment.GetEnvironmentVariable, TimeProvider.System);
return await HeraldCli.RunAsync(args, context, cancel.Token);
