using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Herald.Bench.Targets;

namespace Herald.Bench.Faults;

/// <summary>One message a client wants stored, as the client saw it.</summary>
internal sealed class KeyRecord(string key, long due, long firstSend)
{
    public string Key { get; } = key;
    /// <summary>When the message was due to be sent; later than that it waited for a free producer.</summary>
    public long Due { get; } = due;
    public long FirstSend { get; } = firstSend;
    public long AnsweredAt { get; set; }
    public int Tries { get; set; }
    /// <summary>The message ids the answers named; more than one means the key was stored twice.</summary>
    public HashSet<string> MessageIds { get; } = new(StringComparer.Ordinal);
    /// <summary>A status that is not worth retrying (4xx other than 409/429), or 0.</summary>
    public int RejectedWith { get; set; }
    public bool Answered => AnsweredAt != 0;
}

/// <summary>
/// Producers sending messages at a fixed rate (messages fall due on schedule however slow the server is), each with
/// its own Idempotency-Key, that retry every unanswered request (connection refused or reset, timeout, 5xx, 409 in
/// progress, 429) with the same key and body until Herald answers it, as a careful producer does.
/// </summary>
internal sealed class RetryingClients : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(1);
    private readonly HttpClient _http;
    private readonly string _app;
    private readonly bool _track;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly Lock _latencyGate = new();
    private readonly bool _keys;
    private readonly LongHistogram _latency = new(TimeSpan.FromMinutes(5).Ticks / 10, 3); // microseconds, the whole run
    private readonly LongHistogram _window = new(TimeSpan.FromMinutes(5).Ticks / 10, 3); // since the last WindowLatency
    private long _requests;
    private long _answered;
    private long _replayed;
    private long _rejected;
    private long _outstanding;
    private long _issued;

    /// <param name="track">Keep a record per key (for loss and duplicate accounting); off for long soaks.</param>
    /// <param name="idempotencyKeys">Send each message's key as its Idempotency-Key (off: the retries may store it twice).</param>
    public RetryingClients(string baseUrl, string app, bool track, bool idempotencyKeys = true)
    {
        _app = app;
        _track = track;
        _keys = idempotencyKeys;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldServerProcess.AdminToken);
    }

    public System.Collections.Concurrent.ConcurrentDictionary<string, KeyRecord> Keys { get; } = new(StringComparer.Ordinal);

    public long Issued => Interlocked.Read(ref _issued);
    public long Requests => Interlocked.Read(ref _requests);
    public long Answered => Interlocked.Read(ref _answered);
    public long Replayed => Interlocked.Read(ref _replayed);
    public long Rejected => Interlocked.Read(ref _rejected);
    public long Outstanding => Interlocked.Read(ref _outstanding);

    /// <summary>Latency of every answered request of the run, send to answer, in milliseconds.</summary>
    public (double P50Ms, double P99Ms, long Count) Latency() => Percentiles(_latency, reset: false);

    /// <summary>The same for the requests answered since the previous call.</summary>
    public (double P50Ms, double P99Ms, long Count) WindowLatency() => Percentiles(_window, reset: true);

    private (double P50Ms, double P99Ms, long Count) Percentiles(LongHistogram histogram, bool reset)
    {
        lock (_latencyGate)
        {
            var result = histogram.TotalCount == 0 ? (0, 0, 0)
                : (histogram.GetValueAtPercentile(50) / 1000.0, histogram.GetValueAtPercentile(99) / 1000.0, histogram.TotalCount);
            if (reset)
            {
                histogram.Reset();
            }
            return result;
        }
    }

    /// <summary>
    /// Message n is due at n/<paramref name="rate"/> s; <paramref name="producers"/> producers take the due messages in
    /// turn, each sending its message until it is answered before it takes the next, so that a server that is down
    /// faces a bounded number of retrying producers rather than a growing storm, and the messages due meanwhile wait
    /// at the producers. New messages stop at <paramref name="stopNew"/>; those started are sent until answered or
    /// until <paramref name="giveUp"/>.
    /// </summary>
    public async Task RunAsync(int rate, int producers, CancellationToken stopNew, CancellationToken giveUp)
    {
        long start = Stopwatch.GetTimestamp();
        long next = -1;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            while (!stopNew.IsCancellationRequested)
            {
                long n = Interlocked.Increment(ref next);
                long due = start + (n * Stopwatch.Frequency / rate);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stopNew);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                Interlocked.Increment(ref _issued);
                Interlocked.Increment(ref _outstanding);
                await SendUntilAnsweredAsync(n, due, giveUp);
            }
        }, CancellationToken.None)));
    }

    private async Task SendUntilAnsweredAsync(long n, long due, CancellationToken giveUp)
    {
        string key = $"{_run}-{n}";
        byte[] body = Encoding.UTF8.GetBytes($$$"""{"eventType":"order.paid","payload":{"key":"{{{key}}}","n":{{{n}}},"amount":2700}}""");
        var record = new KeyRecord(key, due, Stopwatch.GetTimestamp());
        if (_track)
        {
            Keys[key] = record;
        }
        var backoff = FirstBackoff;
        try
        {
            while (!giveUp.IsCancellationRequested)
            {
                long start = Stopwatch.GetTimestamp();
                record.Tries++;
                Interlocked.Increment(ref _requests);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/app/{_app}/msg") { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    if (_keys)
                    {
                        request.Headers.Add("Idempotency-Key", key);
                    }
                    using var response = await _http.SendAsync(request, giveUp);
                    int status = (int)response.StatusCode;
                    string text = await response.Content.ReadAsStringAsync(giveUp);
                    if (status is >= 200 and < 300)
                    {
                        using var answer = JsonDocument.Parse(text);
                        lock (record)
                        {
                            record.MessageIds.Add(answer.RootElement.GetProperty("id").GetString()!);
                            record.AnsweredAt = Stopwatch.GetTimestamp();
                        }
                        if (response.Headers.Contains("Idempotent-Replayed"))
                        {
                            Interlocked.Increment(ref _replayed);
                        }
                        Interlocked.Increment(ref _answered);
                        long micros = Math.Min(_latency.HighestTrackableValue, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                        lock (_latencyGate)
                        {
                            _latency.RecordValue(micros);
                            _window.RecordValue(micros);
                        }
                        return;
                    }
                    bool retry = status is 429 or >= 500 || (status == 409 && !text.Contains("idempotency_conflict", StringComparison.Ordinal));
                    if (!retry)
                    {
                        record.RejectedWith = status;
                        Interlocked.Increment(ref _rejected);
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Refused or reset: the server is down or was killed with the request in flight.
                }
                catch (TaskCanceledException) when (!giveUp.IsCancellationRequested)
                {
                    // Timed out: unanswered, so sent again with the same key.
                }
                catch (JsonException)
                {
                }
                await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble()), giveUp);
                backoff = backoff * 2 < LongestBackoff ? backoff * 2 : LongestBackoff;
            }
        }
        catch (OperationCanceledException)
        {
            // Given up: the key stays unanswered in the record.
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    public void Dispose() => _http.Dispose();
}
