using Herald.Cli;
using Herald.Cli.Output;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var context = new CliContext(Consoles.Create(Console.Out, Console.IsOutputRedirected), Consoles.Create(Console.Error, Console.IsErrorRedirected),
    Environment.GetEnvironmentVariable, TimeProvider.System);
return await HeraldCli.RunAsync(args, context, cancel.Token);
