using System.Collections.Concurrent;
using System.Text.Json;
using Herald.Receiver;
using Herald.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>
/// A consumer's ASP.NET Core app on real Kestrel (127.0.0.1, free port) using Herald.Receiver at <c>/webhooks</c> with a
/// SQLite inbox. It records every request exactly as it arrived, with the receiver's answer, so a test can replay or
/// alter one, and every payload a handler ran for.
/// </summary>
public sealed class ReceiverHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _dir;

    private ReceiverHost(WebApplication app, TempDirectory dir, Uri webhookUri, Arrivals arrivals)
    {
        _app = app;
        _dir = dir;
        WebhookUri = webhookUri;
        Requests = arrivals.Requests;
        Handled = arrivals.Handled;
        Client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri WebhookUri { get; }

    public string Url => WebhookUri.ToString();

    /// <summary>Every request as it arrived, and the status the receiver answered.</summary>
    public ConcurrentQueue<(ReceivedRequest Request, int Status)> Requests { get; }

    /// <summary>The raw payload of every message a handler ran for.</summary>
    public ConcurrentQueue<string> Handled { get; }

    public HttpClient Client { get; }

    /// <summary>Starts a receiver accepting <paramref name="keys"/> (<c>whsec_…</c> and <c>whpk_…</c>).</summary>
    public static async Task<ReceiverHost> StartAsync(params string[] keys)
    {
        var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Herald:Receiver:Inbox:ConnectionString"] = "Data Source=" + dir.File("inbox.db"),
        };
        for (int i = 0; i < keys.Length; i++)
        {
            settings[$"Herald:Receiver:Secrets:{i}"] = keys[i];
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var arrivals = new Arrivals();
        builder.Services.AddSingleton(arrivals);
        builder.Services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver"))
            .UseSqliteInbox()
            .AddHandler<JsonElement, RecordingHandler>("*");
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
            context.Request.Body.Position = 0;
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            await next(context);
            arrivals.Requests.Enqueue((new ReceivedRequest(context.Request.Path, headers, copy.ToArray(), DateTimeOffset.UtcNow), context.Response.StatusCode));
        });
        app.MapHeraldWebhooks("/webhooks");
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            dir.Dispose();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ReceiverHost(app, dir, new Uri(new Uri(address), "/webhooks"), arrivals);
    }

    /// <summary>Posts <paramref name="body"/> with the headers of <paramref name="original"/>, as a replay or forgery would.</summary>
    public async Task<int> ReplayAsync(ReceivedRequest original, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            request.Headers.TryAddWithoutValidation(name, original.Header(name));
        }
        using var response = await Client.SendAsync(request);
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    internal sealed class Arrivals
    {
        public ConcurrentQueue<(ReceivedRequest Request, int Status)> Requests { get; } = new();

        public ConcurrentQueue<string> Handled { get; } = new();
    }

    private sealed class RecordingHandler(Arrivals arrivals) : IWebhookHandler<JsonElement>
    {
        public Task HandleAsync(WebhookContext<JsonElement> context, CancellationToken cancellationToken)
        {
            arrivals.Handled.Enqueue(System.Text.Encoding.UTF8.GetString(context.RawBody.Span));
            return Task.CompletedTask;
        }
    }
}
