using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Client.Http;

/// <summary>Sends one API call: JSON in and out, an <c>Idempotency-Key</c> on every POST, problems as <see cref="HeraldApiException"/>.</summary>
internal sealed partial class ApiTransport(HttpClient http)
{
    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> output, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, output, cancellationToken);
    }

    public async Task<TOut> SendAsync<TIn, TOut>(HttpMethod method, string path, TIn body, JsonTypeInfo<TIn> input, JsonTypeInfo<TOut> output, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, Json(body, input), idempotencyKey);
        return await SendAsync(request, output, cancellationToken);
    }

    /// <summary>A call answered without a body (204, or 202 with <c>{}</c>).</summary>
    public async Task SendAsync<TIn>(HttpMethod method, string path, TIn body, JsonTypeInfo<TIn> input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, Json(body, input), idempotencyKey);
        using var response = await SendCheckedAsync(request, cancellationToken);
    }

    public async Task SendAsync(HttpMethod method, string path, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, null, idempotencyKey);
        using var response = await SendCheckedAsync(request, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> output, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, output, cancellationToken)
            ?? throw new JsonException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} with a null body.");
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ProblemReader.ReadAsync(request, response, cancellationToken);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (method == HttpMethod.Post)
        {
            // One key per logical call, set before the pipeline runs: every retry of this call repeats it, so the
            // server answers a repeat with the first result instead of acting twice.
            request.Headers.Add(HeraldResilience.IdempotencyKeyHeader, IdempotencyKeys.OrNew(idempotencyKey));
        }
        return request;
    }

    // Buffered bytes: the retry handler sends the same content again.
    private static ByteArrayContent Json<T>(T body, JsonTypeInfo<T> input)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, input));
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        return content;
    }
}
