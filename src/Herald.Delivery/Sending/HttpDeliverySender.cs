using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Herald.Delivery.Ssrf;
using Herald.Model;
using Herald.Retries;
using Herald.Signing;
using Herald.Storage.Queue;

namespace Herald.Delivery.Sending;

/// <summary>
/// Sends deliveries over one pooled <see cref="SocketsHttpHandler"/> whose connections go through the SSRF guard.
/// Redirects are never followed, proxies never used, and only the first bytes of a response are read, kept as
/// <see cref="ResponseText"/> says.
/// </summary>
public sealed class HttpDeliverySender : IDeliverySender, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpMessageInvoker _client;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private const int MaxKeptSecrets = 10_000;
    // Endpoints' secrets as parsed signing keys, so that an attempt does not decode its endpoint's secret (base64,
    // or an ed25519 key pair) again. Keyed by the stored text: a rotated secret is a new entry.
    private readonly ConcurrentDictionary<string, SigningSecret> _secrets = new(StringComparer.Ordinal);

    public HttpDeliverySender(DeliveryOptions options, GuardedConnector connector, TimeProvider time)
    {
        _options = options;
        _time = time;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = connector.ConnectAsync,
            ConnectTimeout = options.ConnectTimeout,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            // Per-endpoint limits are the dispatcher's lanes; a per-host cap here would let one hanging endpoint
            // block every other endpoint on the same host and port.
            MaxConnectionsPerServer = int.MaxValue,
            MaxResponseHeadersLength = 64,
            // A receiver learns nothing of the sender's tracing (traceparent, baggage) unless the operator opts in.
            ActivityHeadersPropagator = options.PropagateTraceContext ? System.Diagnostics.DistributedContextPropagator.Current : null,
        });
    }

    public async Task<SendResult> SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        long started = _time.GetTimestamp();
        using var request = BuildRequest(delivery, startedAt, out var headersJson);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _client.SendAsync(request, linked.Token);
            string body = await ReadLimitedAsync(response.Content, _options.ResponseBodyLimit, linked.Token);
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - _time.GetUtcNow(),
                _ => (TimeSpan?)null,
            };
            int status = (int)response.StatusCode;
            return new SendResult(AttemptOutcome.FromStatus(status, retryAfter), status, body, _time.GetElapsedTime(started), startedAt, headersJson);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(AttemptOutcome.Timeout, timeout.IsCancellationRequested
                ? $"Timed out after {_options.RequestTimeout.TotalSeconds:0.#} s."
                : $"Could not connect within {_options.ConnectTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(AttemptOutcome.NetworkError, Describe(ex));
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UriFormatException && !cancellationToken.IsCancellationRequested)
        {
            return Failure(AttemptOutcome.NetworkError, "Request failed: " + ex.Message);
        }

        SendResult Failure(AttemptOutcome outcome, string reason) =>
            new(outcome, 0, reason, _time.GetElapsedTime(started), startedAt, headersJson);
    }

    private HttpRequestMessage BuildRequest(DueDelivery delivery, DateTimeOffset now, out string headersJson)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        long timestamp = now.ToUnixTimeSeconds();
        var secrets = new List<SigningSecret>(delivery.Secrets.Count);
        foreach (string secret in delivery.Secrets)
        {
            if (!_secrets.TryGetValue(secret, out var parsed))
            {
                if (_secrets.Count >= MaxKeptSecrets)
                {
                    _secrets.Clear();
                }
                parsed = _secrets.GetOrAdd(secret, SigningSecret.Parse);
            }
            secrets.Add(parsed);
        }
        string signature = WebhookSigner.SignAll(secrets, delivery.MsgId, timestamp, body);
        string ts = timestamp.ToString(CultureInfo.InvariantCulture);

        var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Version = System.Net.HttpVersion.Version11,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = Json;
        var recorded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in delivery.Headers)
        {
            if (WebhookHeaders.Refusal(name) is null && request.Headers.TryAddWithoutValidation(name, value))
            {
                recorded[name] = WebhookHeaders.IsSensitive(name) ? "[redacted]" : value;
            }
        }
        Add("webhook-id", delivery.MsgId);
        Add("webhook-timestamp", ts);
        Add("webhook-signature", signature);
        if (_options.SendSvixHeaders)
        {
            Add("svix-id", delivery.MsgId);
            Add("svix-timestamp", ts);
            Add("svix-signature", signature);
        }
        Add("User-Agent", _options.UserAgent);
        recorded["Content-Type"] = "application/json";
        headersJson = JsonSerializer.Serialize(recorded, DeliveryJsonContext.Default.DictionaryStringString);
        return request;

        void Add(string name, string value)
        {
            request.Headers.TryAddWithoutValidation(name, value);
            recorded[name] = value;
        }
    }

    private static async Task<string> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (limit == 0)
        {
            return "";
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            int total = 0;
            while (total < limit)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return ResponseText.FromUtf8(buffer.AsSpan(0, total), truncated: total == limit);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Describe(HttpRequestException ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is OutboundAddressRefusedException refused)
            {
                return "Refused: " + refused.Message;
            }
        }
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "Could not resolve the endpoint's host name.",
            HttpRequestError.ConnectionError => "Could not connect: " + (ex.InnerException?.Message ?? ex.Message),
            HttpRequestError.SecureConnectionError => "TLS handshake failed: " + (ex.InnerException?.Message ?? ex.Message),
            HttpRequestError.ResponseEnded => "The endpoint closed the connection before answering.",
            _ => "Request failed: " + ex.Message,
        };
    }

    public void Dispose() => _client.Dispose();
}
