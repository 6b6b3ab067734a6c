using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Delivery.Dispatching;
using Herald.Server.Hosting;
using Herald.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>A Herald server on real Kestrel (127.0.0.1, free port) over a real SQLite file in a temp folder.</summary>
public sealed class HeraldHost : IAsyncDisposable
{
    public const string Token = "test-admin-token";
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownedDir;

    private HeraldHost(WebApplication app, TempDirectory? ownedDir, string baseUrl, FakeTimeProvider? time)
    {
        _app = app;
        _ownedDir = ownedDir;
        Time = time;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public HttpClient Client { get; }

    /// <summary>The fake clock, when the host was started with one.</summary>
    public FakeTimeProvider? Time { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<HeraldHost> StartAsync(
        Dictionary<string, string?>? settings = null, FakeTimeProvider? time = null, string? databasePath = null,
        Action<IServiceCollection>? services = null)
    {
        var dir = databasePath is null ? new TempDirectory() : null;
        var config = new Dictionary<string, string?>
        {
            ["Herald:AdminToken"] = Token,
            ["Herald:Storage:ConnectionString"] = "Data Source=" + (databasePath ?? dir!.File("herald.db")),
            ["Herald:Storage:SqliteSynchronousFull"] = "false",
            ["Herald:Delivery:AllowedSubnets:0"] = "127.0.0.0/8",
            ["Herald:Delivery:RequestTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? [])
        {
            config[k] = v;
        }
        WebApplication? app = null;
        try
        {
            app = HeraldServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
            {
                builder.Configuration.AddInMemoryCollection(config);
                if (time is not null)
                {
                    builder.Services.AddSingleton<TimeProvider>(time);
                }
                services?.Invoke(builder.Services);
            });
            await app.StartAsync();
        }
        catch
        {
            // A start refused (a test of bad settings) leaves nothing behind: the store it opened, the folder.
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            dir?.Dispose();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HeraldHost(app, dir, address, time);
    }

    public DispatchSignal Signal => Services.GetRequiredService<DispatchSignal>();

    public async Task<JsonNode> PostAsync(string path, object body, int expectedStatus = 0)
    {
        using var response = await Client.PostAsync(path, Json(body));
        return await ReadAsync(response, expectedStatus);
    }

    public async Task<JsonNode> GetAsync(string path, int expectedStatus = 200)
    {
        using var response = await Client.GetAsync(path);
        return await ReadAsync(response, expectedStatus);
    }

    public async Task<string> CreateAppAsync(string name = "Shop", string? uid = null) =>
        (await PostAsync("/api/v1/app", new { name, uid }, 201))["id"]!.GetValue<string>();

    public async Task<(string Id, string Secret)> CreateEndpointAsync(string appId, string url, object? extra = null)
    {
        var body = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
        body["url"] = url;
        var endpoint = await PostAsync($"/api/v1/app/{appId}/endpoint", body, 201);
        string id = endpoint["id"]!.GetValue<string>();
        var secret = await GetAsync($"/api/v1/app/{appId}/endpoint/{id}/secret");
        return (id, secret["key"]!.GetValue<string>());
    }

    public async Task<string> SendAsync(string appId, string eventType, object payload, object? extra = null)
    {
        var body = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
        body["eventType"] = eventType;
        body["payload"] = JsonSerializer.SerializeToNode(payload);
        return (await PostAsync($"/api/v1/app/{appId}/msg", body, 202))["id"]!.GetValue<string>();
    }

    public static StringContent Json(object body) => new(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, int expectedStatus)
    {
        string text = await response.Content.ReadAsStringAsync();
        if (expectedStatus != 0)
        {
            Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        }
        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Moves the fake clock and wakes the dispatcher so it looks at the queue at the new time.</summary>
    public void Advance(TimeSpan by)
    {
        Time!.Advance(by);
        Signal.Notify();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ownedDir?.Dispose();
    }
}
