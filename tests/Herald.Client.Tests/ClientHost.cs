using Herald.Server.Hosting;
using Herald.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Client.Tests;

/// <summary>A real Herald on 127.0.0.1 (SQLite in a temp folder) and a HeraldClient registered through AddHeraldClient.</summary>
internal sealed class ClientHost : IAsyncDisposable
{
    private const string Token = "client-test-token";
    private readonly WebApplication _server;
    private readonly TempDirectory _dir;
    private readonly ServiceProvider _services;

    private ClientHost(WebApplication server, TempDirectory dir, ServiceProvider services)
    {
        _server = server;
        _dir = dir;
        _services = services;
        Client = services.GetRequiredService<HeraldClient>();
    }

    public HeraldClient Client { get; }

    public static async Task<ClientHost> StartAsync(Func<DelegatingHandler>? handler = null)
    {
        var dir = new TempDirectory();
        var server = HeraldServer.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Herald:AdminToken"] = Token,
            ["Herald:Storage:ConnectionString"] = "Data Source=" + dir.File("herald.db"),
            ["Herald:Storage:SqliteSynchronousFull"] = "false",
            ["Herald:Delivery:AllowedSubnets:0"] = "127.0.0.0/8",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await server.StartAsync();
        string address = server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var services = new ServiceCollection();
        var client = services.AddHeraldClient(o =>
        {
            o.BaseUrl = address;
            o.Token = Token;
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
        });
        if (handler is not null)
        {
            client.AddHttpMessageHandler(handler);
        }
        return new ClientHost(server, dir, services.BuildServiceProvider());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
