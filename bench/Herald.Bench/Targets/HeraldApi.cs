using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Herald.Bench.Targets;

/// <summary>A thin client for the parts of Herald's HTTP API the bench uses.</summary>
internal sealed class HeraldApi : IDisposable
{
    private static readonly AuthenticationHeaderValue Bearer = new("Bearer", HeraldServerProcess.AdminToken);
    private readonly HttpClient _client;
    private readonly LeanPoster _poster;

    public HeraldApi(string baseUrl, int maxConnections)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
        })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(120),
        };
        _poster = new LeanPoster(new Uri(baseUrl), HeraldServerProcess.AdminToken, maxConnections);
    }

    public async Task<string> CreateAppAsync(string name, CancellationToken cancellationToken) =>
        await PostForIdAsync("/api/v1/app", $$"""{"name":"{{name}}"}""", cancellationToken);

    /// <param name="ordering">The endpoint's <c>ordering</c> (docs/ordering.md); unordered when null.</param>
    /// <param name="throttleRate">The endpoint's <c>throttleRate</c>; not paced when null.</param>
    public async Task<string> CreateEndpointAsync(string appId, string url, CancellationToken cancellationToken, string? ordering = null, int? throttleRate = null) =>
        await PostForIdAsync($"/api/v1/app/{appId}/endpoint",
            $$"""{"url":"{{url}}"{{(ordering is null ? "" : $",\"ordering\":\"{ordering}\"")}}{{(throttleRate is null ? "" : $",\"throttleRate\":{throttleRate}")}}}""", cancellationToken);

    /// <summary>Deletes an application with its endpoints, messages, deliveries and attempts.</summary>
    public async Task DeleteAppAsync(string appId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/app/{appId}");
        request.Headers.Authorization = Bearer;
        using var response = await _client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Herald answered {(int)response.StatusCode} to deleting application {appId}.");
        }
    }

    public async Task<string> GetSecretAsync(string appId, string endpointId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/app/{appId}/endpoint/{endpointId}/secret");
        request.Headers.Authorization = Bearer;
        using var response = await _client.SendAsync(request, cancellationToken);
        return (await ReadAsync(response, cancellationToken)).GetProperty("key").GetString()!;
    }

    public async Task<(long Success, long Pending, long Fail, long Sending)> GetStatsAsync(string appId, string endpointId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/app/{appId}/endpoint/{endpointId}/stats");
        request.Headers.Authorization = Bearer;
        using var response = await _client.SendAsync(request, cancellationToken);
        var json = await ReadAsync(response, cancellationToken);
        return (json.GetProperty("success").GetInt64(), json.GetProperty("pending").GetInt64(), json.GetProperty("fail").GetInt64(), json.GetProperty("sending").GetInt64());
    }

    /// <summary>Creates one message (the load generator's request: see <see cref="LeanPoster"/>); true when accepted.</summary>
    public async Task<bool> SendMessageAsync(string appId, byte[] body, CancellationToken cancellationToken) =>
        await _poster.PostJsonAsync($"/api/v1/app/{appId}/msg", body, cancellationToken) == (int)HttpStatusCode.Accepted;

    /// <summary>The message the bench sends: a small payment event carrying its intended send time for latency.</summary>
    public static byte[] MessageBody(long seq, long sentTimestamp) => Encoding.UTF8.GetBytes(
        $$"""{"eventType":"payment.succeeded","payload":{{Payloads.Payload(seq, sentTimestamp)}}}""");

    private async Task<string> PostForIdAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = Bearer;
        using var response = await _client.SendAsync(request, cancellationToken);
        return (await ReadAsync(response, cancellationToken)).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Herald answered {(int)response.StatusCode}: {text}");
        }
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public void Dispose()
    {
        _poster.Dispose();
        _client.Dispose();
    }
}

/// <summary>The webhook payload shared by Herald, the raw sender and Hangfire, so every path sends the same bytes.</summary>
internal static class Payloads
{
    public static string Payload(long seq, long sentTimestamp) =>
        $$"""{"type":"payment.succeeded","seq":{{seq}},"sent":{{sentTimestamp}},"amount":2700,"currency":"usd","customer":"cus_9s8d7f6g5h4j","order":"ord_{{seq}}","description":"Order paid at checkout"}""";

    public static long Now() => Stopwatch.GetTimestamp();
}
