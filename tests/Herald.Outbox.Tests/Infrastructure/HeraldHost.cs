using System.Net;
using System.Net.Sockets;
using Herald.Client;
using Herald.Server.Hosting;
using Herald.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Outbox.Tests.Infrastructure;

/// <summary>
/// A real Herald on a fixed 127.0.0.1 port (SQLite in a temp folder) that a test can stop and start again on the
/// same port and database, to be "away" for a while; and a HeraldClient for it.
/// </summary>
internal sealed class HeraldHost : IAsyncDisposable
{
    public const string Token = "outbox-test-token";
    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _clients;
    private WebApplication? _server;

    public HeraldHost(Action<IHttpClientBuilder>? configureClient = null)
    {
        Port = FreePort();
        var services = new ServiceCollection();
        var client = services.AddHeraldClient(o =>
        {
            o.BaseUrl = BaseUrl;
            o.Token = Token;
            // The relay under test does its own retrying.
            o.MaxRetries = 0;
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(10);
        });
        configureClient?.Invoke(client);
        _clients = services.BuildServiceProvider();
        Client = _clients.GetRequiredService<HeraldClient>();
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public HeraldClient Client { get; }

    public static async Task<HeraldHost> StartAsync(Action<IHttpClientBuilder>? configureClient = null)
    {
        var host = new HeraldHost(configureClient);
        await host.StartServerAsync();
        return host;
    }

    public async Task StartServerAsync()
    {
        _server = HeraldServer.Build(["--urls", BaseUrl], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Herald:AdminToken"] = Token,
            ["Herald:Storage:ConnectionString"] = "Data Source=" + _dir.File("herald.db"),
            ["Herald:Storage:SqliteSynchronousFull"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _server.StartAsync();
    }

    public async Task StopServerAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }

    public Task<ApplicationOut> CreateApplicationAsync(string uid) =>
        Client.Applications.CreateAsync(new ApplicationIn { Name = uid, Uid = uid });

    /// <summary>The eventIds of the application's messages, oldest first.</summary>
    public async Task<List<string>> EventIdsAsync(string appId)
    {
        var ids = new List<string>();
        await foreach (var m in Client.Messages.ListAsync(appId, new MessageListOptions { Order = ListOrder.Ascending, Limit = 250, WithContent = false }))
        {
            ids.Add(m.EventId!);
        }
        return ids;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        await _clients.DisposeAsync();
        _dir.Dispose();
    }
}
