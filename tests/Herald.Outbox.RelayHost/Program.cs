using Herald.Outbox;
using Herald.Outbox.RelayHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: <provider Sqlite|PostgreSql> <connection string> <herald url> <token> [--hang-after-send]
// With --hang-after-send the first message Herald accepts is reported on stdout ("sent <key>") and the relay then
// waits forever before marking it, for the test to kill the process there.
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddHeraldOutbox(o =>
{
    o.Provider = Enum.Parse<OutboxProvider>(args[0]);
    o.ConnectionString = args[1];
    o.PollInterval = TimeSpan.FromMilliseconds(50);
});
var client = builder.Services.AddHeraldClient(o =>
{
    o.BaseUrl = args[2];
    o.Token = args[3];
    o.MaxRetries = 0;
});
if (args.Contains("--hang-after-send"))
{
    client.AddHttpMessageHandler(() => new HangAfterSend());
}
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("relay started");
await host.WaitForShutdownAsync();
