using Herald.Receiver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Tests.Support;

/// <summary>A real ASP.NET Core app on Kestrel (127.0.0.1, a free port) with the receiver mapped at /webhooks.</summary>
internal sealed class ReceiverApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReceiverApp(WebApplication app, Uri baseAddress, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        WebhookUri = new Uri(baseAddress, "/webhooks");
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri WebhookUri { get; }

    public HttpClient Client { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    public IWebhookInbox Inbox => _app.Services.GetRequiredService<IWebhookInbox>();

    /// <summary>The configuration section Herald:Receiver as flat keys, with sensible test defaults.</summary>
    public static Dictionary<string, string?> Settings(string connectionString, params string[] secrets)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Herald:Receiver:Inbox:ConnectionString"] = connectionString,
            ["Herald:Receiver:Handlers:InitialRetryDelay"] = "00:00:01",
            ["Herald:Receiver:Handlers:MaxRetryDelay"] = "00:01:00",
            ["Herald:Receiver:Handlers:MaxAttempts"] = "3",
        };
        for (int i = 0; i < secrets.Length; i++)
        {
            settings[$"Herald:Receiver:Secrets:{i}"] = secrets[i];
        }
        return settings;
    }

    /// <param name="configureReceiver">Handlers and the like, on the receiver's builder.</param>
    /// <param name="useInbox">The inbox; the SQLite one when null.</param>
    public static Task<ReceiverApp> StartAsync(
        Dictionary<string, string?> settings,
        TimeProvider? time = null,
        Action<IHeraldReceiverBuilder>? configureReceiver = null,
        Action<IHeraldReceiverBuilder>? useInbox = null) =>
        StartAsync(settings, builder =>
        {
            var receiver = builder.Services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver"));
            (useInbox ?? (static r => r.UseSqliteInbox()))(receiver);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }
            configureReceiver?.Invoke(receiver);
        }, static app => app.MapHeraldWebhooks("/webhooks"));

    /// <summary>An app whose receivers <paramref name="configure"/> adds and <paramref name="map"/> maps.</summary>
    public static async Task<ReceiverApp> StartAsync(
        Dictionary<string, string?> settings,
        Action<WebApplicationBuilder> configure,
        Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        configure(builder);

        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        try
        {
            map(app);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ReceiverApp(app, new Uri(address), logs);
    }

    /// <summary>The inbox of the receiver named <paramref name="name"/>.</summary>
    public IWebhookInbox InboxOf(string name) => _app.Services.GetRequiredKeyedService<IWebhookInbox>(name);

    /// <summary>Posts <paramref name="webhook"/> to <paramref name="path"/> of this app.</summary>
    public async Task<HttpResponseMessage> PostAsync(SignedWebhook webhook, string path)
    {
        using var request = webhook.ToHttpRequest(new Uri(WebhookUri, path));
        return await Client.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAsync(SignedWebhook webhook, bool svixNames = false)
    {
        using var request = webhook.ToHttpRequest(WebhookUri, svixNames);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
