using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Cli.Config;

namespace Herald.Cli.Http;

/// <summary>A reply of the Herald API: its raw text (for <c>--json</c>) and the parsed body.</summary>
internal sealed record ApiReply(string Text, JsonNode? Json);

/// <summary>Calls Herald's <c>/api/v1</c> routes with the bearer token; failures become <see cref="CliException"/>s with the problem's detail.</summary>
internal sealed class HeraldApi : IDisposable
{
    private readonly HttpClient _http;

    public HeraldApi(Connection connection, TimeSpan? timeout = null)
    {
        _http = new HttpClient { BaseAddress = connection.BaseUrl, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("herald-cli/1");
    }

    public HttpClient Http => _http;

    public Task<ApiReply> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiReply> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<ApiReply> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public async Task<ApiReply> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"Cannot reach Herald at {_http.BaseAddress}: {ex.Message}");
        }
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(Problems.Describe((int)response.StatusCode, response.ReasonPhrase, text));
            }
            return new ApiReply(text, Parse(text));
        }
    }

    /// <summary>Every item of a list route, following <c>iterator</c> until <c>done</c>.</summary>
    public async Task<List<JsonNode>> ListAllAsync(string path, CancellationToken cancellationToken)
    {
        var items = new List<JsonNode>();
        string? iterator = null;
        string separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        while (true)
        {
            string page = path + separator + "limit=250" + (iterator is null ? "" : "&iterator=" + Uri.EscapeDataString(iterator));
            var reply = await GetAsync(page, cancellationToken);
            items.AddRange(reply.Json?["data"]?.AsArray().Where(n => n is not null).Select(n => n!) ?? []);
            if (reply.Json?["done"]?.GetValue<bool>() != false || reply.Json?["iterator"]?.GetValue<string>() is not { } next)
            {
                return items;
            }
            iterator = next;
        }
    }

    private static JsonNode? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
