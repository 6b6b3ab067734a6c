using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Bench.Faults;

/// <summary>What the sink saw of one client key: when it first arrived, how often, and under which message ids.</summary>
internal sealed class Arrival
{
    public long FirstTimestamp { get; set; }
    public int Deliveries { get; set; }
    public HashSet<string> MessageIds { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A webhook receiver that remembers every delivery by the client's key carried in the payload (<c>"key"</c>), so that
/// a fault scenario can tell lost, doubled and late messages apart. It runs in the bench process: the figures it
/// serves are counts and seconds, not the sub-millisecond latencies the separate sink process exists for.
/// </summary>
internal sealed class KeyedSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);
    private long _requests;
    private long _unkeyed;

    private readonly bool _track;

    private KeyedSink(WebApplication app, bool track)
    {
        _app = app;
        _track = track;
    }

    public string Url { get; private set; } = "";

    /// <summary>Every request the sink answered, duplicates included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests whose payload carried no key (none are expected).</summary>
    public long Unkeyed => Interlocked.Read(ref _unkeyed);

    public IReadOnlyDictionary<string, Arrival> Arrivals => _arrivals;

    /// <param name="track">Remember every key; off, the sink only counts (for long soaks).</param>
    public static async Task<KeyedSink> StartAsync(bool track, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new KeyedSink(app, track);
        app.Run(sink.HandleAsync);
        await app.StartAsync(cancellationToken);
        sink.Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/hook";
        return sink;
    }

    private async Task HandleAsync(HttpContext http)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        if (!_track)
        {
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
            http.Response.StatusCode = 200;
            return;
        }
        string? key = null;
        try
        {
            using var payload = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty("key", out var k))
            {
                key = k.GetString();
            }
        }
        catch (JsonException)
        {
        }
        if (key is null)
        {
            Interlocked.Increment(ref _unkeyed);
        }
        else
        {
            var arrival = _arrivals.GetOrAdd(key, static _ => new Arrival());
            lock (arrival)
            {
                if (arrival.Deliveries++ == 0)
                {
                    arrival.FirstTimestamp = now;
                }
                arrival.MessageIds.Add(http.Request.Headers["webhook-id"].ToString());
            }
        }
        http.Response.StatusCode = 200;
        http.Response.ContentLength = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
