using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Testing;

/// <summary>One webhook request as the receiver saw it.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A real Kestrel server on 127.0.0.1 that records webhook requests and answers as the test decides.</summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private TestReceiver(WebApplication app) => _app = app;

    /// <summary>How to answer a request; 200 with "ok" by default.</summary>
    public Func<HttpContext, ReceivedRequest, Task>? Respond { get; set; }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Received => _received.ToArray();

    public int Count => _received.Count;

    public string Url(string path = "/hook") => BaseUrl + path;

    public static async Task<TestReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var request = new ReceivedRequest(context.Request.Path, headers, buffer.ToArray(), DateTimeOffset.UtcNow);
        _received.Enqueue(request);
        if (Respond is { } respond)
        {
            await respond(context, request);
        }
        else
        {
            await context.Response.WriteAsync("ok", context.RequestAborted);
        }
    }

    public Task WaitForAsync(int count, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(() => _received.Count >= count, timeout, $"{count} webhook requests (have {_received.Count})");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
