using System.Net.Http.Json;
using Herald.Bench.Infrastructure;

namespace Herald.Bench.Sink;

/// <summary>The bench's handle on the sink child process: start it, reset it, read its counters.</summary>
internal sealed class SinkProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;
    private readonly HttpClient _control;

    private readonly int[] _ports;

    private SinkProcess(ChildProcess child, int[] ports)
    {
        _child = child;
        _ports = ports;
        BaseUrl = $"http://127.0.0.1:{ports[0]}";
        _control = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseUrl { get; }

    public static async Task<SinkProcess> StartAsync(CancellationToken cancellationToken)
    {
        // Port 0 is the shared receiver; the others let the isolation scenario give each endpoint its own host:port.
        var ports = Enumerable.Range(0, Receivers).Select(_ => ChildProcess.FreePort()).Distinct().ToArray();
        var dll = typeof(SinkProcess).Assembly.Location;
        var env = new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_TieredPGO"] = "1",
        };
        var child = ChildProcess.Start("dotnet", [dll, "sink", "--ports", string.Join(',', ports)], env);
        var sink = new SinkProcess(child, ports);
        await child.WaitReadyAsync(sink.BaseUrl + "/_count", TimeSpan.FromSeconds(30), cancellationToken);
        return sink;
    }

    public const int Receivers = 16;

    /// <summary>The URL of <paramref name="path"/> on receiver port <paramref name="receiver"/> (0: the shared one).</summary>
    public string Url(string path, int receiver = 0) => $"http://127.0.0.1:{_ports[receiver % _ports.Length]}{path}";

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsync(new Uri("/_reset", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Switches the paths under /flaky/ to answering 503 (<paramref name="down"/>) or back to 200.</summary>
    public async Task SetDownAsync(bool down, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsync(new Uri(down ? "/_down?on=1" : "/_down?on=0", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task RegisterSecretsAsync(IReadOnlyDictionary<string, string> secretsByPath, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsJsonAsync(new Uri("/_secrets", UriKind.Relative), secretsByPath.ToDictionary(), SinkJson.Default.DictionaryStringString, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task<SinkCount> CountAsync(CancellationToken cancellationToken) =>
        await _control.GetFromJsonAsync(new Uri("/_count", UriKind.Relative), SinkJson.Default.SinkCount, cancellationToken)
        ?? throw new InvalidOperationException("The sink returned no counts.");

    public async Task<SinkStats> StatsAsync(CancellationToken cancellationToken) =>
        await _control.GetFromJsonAsync(new Uri("/_stats", UriKind.Relative), SinkJson.Default.SinkStats, cancellationToken)
        ?? throw new InvalidOperationException("The sink returned no stats.");

    /// <summary>Waits until the paths matching <paramref name="counted"/> hold <paramref name="expected"/> requests, or progress stops.</summary>
    public async Task<long> WaitForAsync(Func<string, bool> counted, long expected, TimeSpan stall, TimeSpan max, Action<long>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var lastProgress = System.Diagnostics.Stopwatch.StartNew();
        long last = -1;
        while (true)
        {
            var count = await CountAsync(cancellationToken);
            long seen = count.Paths.Where(p => counted(p.Key)).Sum(p => p.Value);
            progress?.Invoke(seen);
            if (seen >= expected)
            {
                return seen;
            }
            if (seen != last)
            {
                last = seen;
                lastProgress.Restart();
            }
            if (lastProgress.Elapsed > stall || started.Elapsed > max)
            {
                return seen;
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        await _child.DisposeAsync();
    }
}
