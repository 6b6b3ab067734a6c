using System.Net.Http.Headers;
using Herald.Server.Hosting;
using Herald.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Cli.Tests.Infrastructure;

/// <summary>A real Herald server on 127.0.0.1 over a SQLite file, for the CLI to talk to.</summary>
public sealed class CliServer : IAsyncDisposable
{
    public const string Token = "cli-test-admin-token";
    private readonly WebApplication _app;
    private readonly TempDirectory _dir;

    private CliServer(WebApplication app, TempDirectory dir, string url)
    {
        _app = app;
        _dir = dir;
        Url = url;
        Client = new HttpClient { BaseAddress = new Uri(url) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public string Url { get; }

    public HttpClient Client { get; }

    public static async Task<CliServer> StartAsync()
    {
        var dir = new TempDirectory();
        var app = HeraldServer.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Herald:AdminToken"] = Token,
            ["Herald:Storage:ConnectionString"] = "Data Source=" + dir.File("herald.db"),
            ["Herald:Storage:SqliteSynchronousFull"] = "false",
            ["Herald:Delivery:AllowedSubnets:0"] = "127.0.0.0/8",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new CliServer(app, dir, url);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dir.Dispose();
    }
}
