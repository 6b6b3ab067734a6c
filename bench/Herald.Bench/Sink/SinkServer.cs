using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using HdrHistogram;
using Herald.Signing;

namespace Herald.Bench.Sink;

/// <summary>
/// The webhook receiver every sender in the bench posts to. It runs in its own process (see <see cref="SinkProcess"/>)
/// so that the load generator's CPU and GC pauses in the bench process do not delay or skew receipt timestamps.
/// Paths under /hang/ never answer (the sender's timeout ends them), /fail/ answers 500, anything else 200.
/// Paths under /flaky/ answer 503 while the sink is switched down (<c>POST /_down?on=1</c>, <c>?on=0</c> to bring
/// them back) and 200 otherwise; a 503 is counted under "&lt;path&gt; 503" only, so the totals, first/last receipt
/// times and latency cover the requests the receiver took. A /flaky/ path also counts the distinct messages it took
/// (by the payload's "seq") under "&lt;path&gt; distinct", so a redelivery cannot stand in for a lost message.
/// A payload carrying "sent":&lt;Stopwatch timestamp&gt; records end-to-end latency (CLOCK_MONOTONIC is shared by processes).
/// </summary>
internal sealed class SinkServer
{
    public const int BucketMs = 100;

    /// <summary>Appended to a /flaky/ path to name the counter of the requests it refused with 503 while down.</summary>
    public const string DownSuffix = " 503";

    /// <summary>Appended to a /flaky/ path to name the counter of the distinct messages (by "seq") it took.</summary>
    public const string DistinctSuffix = " distinct";

    private const int VerifyEvery = 100;
    private static readonly byte[] SentKey = "\"sent\":"u8.ToArray();
    private static readonly byte[] SeqKey = "\"seq\":"u8.ToArray();

    private readonly ConcurrentDictionary<string, Counter> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WebhookVerifier> _verifiers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Path, long Seq), byte> _seen = new();
    private readonly Lock _histogramGate = new();
    private LongHistogram _latency = NewHistogram();
    private long[] _buckets = new long[36_000];
    // The slowest latency (µs) among the deliveries received in each bucket: where in a run the tail happened.
    private long[] _slowest = new long[36_000];
    private long _resetAt = Stopwatch.GetTimestamp();
    private long _total;
    private long _first = long.MaxValue;
    private long _last;
    private long _verified;
    private long _badSignatures;
    private long _sampler;
    private long _hanging;
    private volatile bool _down;

    /// <param name="ports">Every port is the same receiver; several let endpoints sit on distinct host:port pairs.</param>
    public static async Task RunAsync(IReadOnlyList<int> ports)
    {
        var sink = new SinkServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (int port in ports)
            {
                k.Listen(IPAddress.Loopback, port);
            }
            k.Limits.MaxConcurrentConnections = null;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Run(sink.HandleAsync);
        await app.RunAsync();
    }

    private static LongHistogram NewHistogram() => new(TimeSpan.FromMinutes(10).Ticks / 10, 3); // microseconds, 3 digits

    private async Task HandleAsync(HttpContext http)
    {
        string path = http.Request.Path.Value ?? "/";
        if (path.StartsWith("/_", StringComparison.Ordinal))
        {
            await ControlAsync(http, path);
            return;
        }
        var body = await ReadBodyAsync(http.Request);
        long now = Stopwatch.GetTimestamp();
        try
        {
            if (_down && path.StartsWith("/flaky/", StringComparison.Ordinal))
            {
                _paths.GetOrAdd(path + DownSuffix, static _ => new Counter()).Increment();
                http.Response.StatusCode = 503;
                http.Response.ContentLength = 0;
                return;
            }
            if (path.StartsWith("/hang/", StringComparison.Ordinal))
            {
                Count(path, now);
                Interlocked.Increment(ref _hanging);
                try
                {
                    await Task.Delay(Timeout.Infinite, http.RequestAborted);
                }
                finally
                {
                    Interlocked.Decrement(ref _hanging);
                }
                return;
            }
            Count(path, now);
            RecordLatency(body.AsSpan(0, body.Length), now);
            if (path.StartsWith("/flaky/", StringComparison.Ordinal) && ReadNumber(body.AsSpan(0, body.Length), SeqKey) is { } seq
                && _seen.TryAdd((path, seq), 0))
            {
                _paths.GetOrAdd(path + DistinctSuffix, static _ => new Counter()).Increment();
            }
            if (Interlocked.Increment(ref _sampler) % VerifyEvery == 0)
            {
                Verify(http.Request, path, body);
            }
            http.Response.StatusCode = path.StartsWith("/fail/", StringComparison.Ordinal) ? 500 : 200;
            http.Response.ContentLength = 0;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            body.Return();
        }
    }

    private void Count(string path, long now)
    {
        _paths.GetOrAdd(path, static _ => new Counter()).Increment();
        Interlocked.Increment(ref _total);
        long since = now - Volatile.Read(ref _resetAt);
        long bucket = since * 1000 / Stopwatch.Frequency / BucketMs;
        var buckets = _buckets;
        if (bucket >= 0 && bucket < buckets.Length)
        {
            Interlocked.Increment(ref buckets[bucket]);
        }
        InterlockedMin(ref _first, now);
        InterlockedMax(ref _last, now);
    }

    private void RecordLatency(ReadOnlySpan<byte> body, long now)
    {
        if (ReadNumber(body, SentKey) is not { } sent)
        {
            return;
        }
        long micros = Math.Max(0, (now - sent) * 1_000_000 / Stopwatch.Frequency);
        long bucket = (now - Volatile.Read(ref _resetAt)) * 1000 / Stopwatch.Frequency / BucketMs;
        var slowest = _slowest;
        if (bucket >= 0 && bucket < slowest.Length)
        {
            InterlockedMax(ref slowest[bucket], micros);
        }
        lock (_histogramGate)
        {
            _latency.RecordValue(Math.Min(micros, _latency.HighestTrackableValue));
        }
    }

    /// <summary>The non-negative integer after the first <paramref name="key"/> in the body, if there is one.</summary>
    private static long? ReadNumber(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
    {
        int at = body.IndexOf(key);
        if (at < 0)
        {
            return null;
        }
        var digits = body[(at + key.Length)..];
        long value = 0;
        int i = 0;
        while (i < digits.Length && digits[i] is >= (byte)'0' and <= (byte)'9')
        {
            value = (value * 10) + (digits[i] - '0');
            i++;
        }
        return i == 0 ? null : value;
    }

    private void Verify(HttpRequest request, string path, PooledBody body)
    {
        if (!_verifiers.TryGetValue(path, out var verifier))
        {
            return;
        }
        var failure = verifier.Verify(request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body.AsSpan(0, body.Length));
        Interlocked.Increment(ref failure == VerificationFailure.None ? ref _verified : ref _badSignatures);
    }

    private async Task ControlAsync(HttpContext http, string path)
    {
        switch (path)
        {
            case "/_reset":
                Reset();
                http.Response.StatusCode = 204;
                break;
            case "/_secrets":
                var secrets = await JsonSerializer.DeserializeAsync(http.Request.Body, SinkJson.Default.DictionaryStringString, http.RequestAborted) ?? [];
                foreach (var (p, s) in secrets)
                {
                    _verifiers[p] = new WebhookVerifier(s, TimeSpan.FromDays(1));
                }
                http.Response.StatusCode = 204;
                break;
            case "/_down":
                _down = http.Request.Query["on"] == "1";
                http.Response.StatusCode = 204;
                break;
            case "/_count":
                await JsonSerializer.SerializeAsync(http.Response.Body, new SinkCount(Interlocked.Read(ref _total), PathCounts(), Interlocked.Read(ref _hanging)), SinkJson.Default.SinkCount, http.RequestAborted);
                break;
            case "/_stats":
                await JsonSerializer.SerializeAsync(http.Response.Body, Snapshot(), SinkJson.Default.SinkStats, http.RequestAborted);
                break;
            default:
                http.Response.StatusCode = 404;
                break;
        }
    }

    private Dictionary<string, long> PathCounts() => _paths.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);

    private void Reset()
    {
        _paths.Clear();
        _seen.Clear();
        lock (_histogramGate)
        {
            _latency = NewHistogram();
        }
        _buckets = new long[_buckets.Length];
        _slowest = new long[_slowest.Length];
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _verified, 0);
        Interlocked.Exchange(ref _badSignatures, 0);
        Interlocked.Exchange(ref _first, long.MaxValue);
        Interlocked.Exchange(ref _last, 0);
        Volatile.Write(ref _resetAt, Stopwatch.GetTimestamp());
    }

    private SinkStats Snapshot()
    {
        LongHistogram h;
        lock (_histogramGate)
        {
            h = (LongHistogram)_latency.Copy();
        }
        long resetAt = Volatile.Read(ref _resetAt);
        long first = Interlocked.Read(ref _first);
        long last = Interlocked.Read(ref _last);
        var buckets = _buckets;
        int used = Array.FindLastIndex(buckets, b => b != 0) + 1;
        double[] curvePercentiles = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];
        var curve = h.TotalCount == 0 ? [] : curvePercentiles.Select(p => new[] { p, h.GetValueAtPercentile(p) / 1000.0 }).ToArray();
        return new SinkStats(
            Interlocked.Read(ref _total), PathCounts(), Interlocked.Read(ref _verified), Interlocked.Read(ref _badSignatures),
            first == long.MaxValue ? -1 : (first - resetAt) * 1000.0 / Stopwatch.Frequency,
            last == 0 ? -1 : (last - resetAt) * 1000.0 / Stopwatch.Frequency,
            first == long.MaxValue ? 0 : first, last,
            buckets.AsSpan(0, used).ToArray(),
            _slowest.AsSpan(0, used).ToArray(),
            h.TotalCount,
            h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(50) / 1000.0,
            h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(95) / 1000.0,
            h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(99) / 1000.0,
            h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(99.9) / 1000.0,
            h.TotalCount == 0 ? 0 : h.GetMaxValue() / 1000.0,
            h.TotalCount == 0 ? 0 : h.GetMean() / 1000.0,
            curve);
    }

    private static async Task<PooledBody> ReadBodyAsync(HttpRequest request)
    {
        int capacity = (int)Math.Clamp(request.ContentLength ?? 1024, 256, 1 << 20);
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            int read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
            if (read == 0)
            {
                return new PooledBody(buffer, length);
            }
            length += read;
        }
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private sealed class Counter
    {
        private long _value;
        public long Value => Interlocked.Read(ref _value);
        public void Increment() => Interlocked.Increment(ref _value);
    }

    private readonly record struct PooledBody(byte[] Buffer, int Length)
    {
        public ReadOnlySpan<byte> AsSpan(int start, int length) => Buffer.AsSpan(start, length);
        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
