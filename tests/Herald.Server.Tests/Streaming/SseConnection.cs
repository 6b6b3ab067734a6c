using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Herald.Server.Tests.Streaming;

/// <summary>An open <c>text/event-stream</c> response whose <c>message</c> events are collected as they arrive.</summary>
internal sealed class SseConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(string Id, JsonNode Data)> _events = Channel.CreateUnbounded<(string, JsonNode)>();
    private readonly Task _reading;

    private SseConnection(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reading = ReadAsync(body);
    }

    public static async Task<SseConnection> OpenAsync(string baseUrl, string path, string? token, string? lastEventId = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"stream answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStreamAsync();
        // The first comment is written once the handler has fixed where the stream starts.
        var first = new byte[": connected\n\n".Length];
        await body.ReadExactlyAsync(first);
        return new SseConnection(response, body);
    }

    public async Task<(string Id, JsonNode Data)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _events.Reader.ReadAsync(cts.Token);
    }

    /// <summary>
    /// Nothing else arrives before <paramref name="sentinelId"/>, a message sent after every one expected: the stream
    /// sends in id order, so an event it should not have sent (a duplicate, an older message) would come first.
    /// </summary>
    public async Task AssertNextIsSentinelAsync(string sentinelId)
    {
        var next = await NextAsync();
        Assert.True(next.Id == sentinelId, $"unexpected event {next.Id} before the sentinel {sentinelId}");
    }

    private async Task ReadAsync(Stream body)
    {
        using var reader = new StreamReader(body);
        string? id = null;
        string? data = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
                else if (line.Length == 0 && data is not null)
                {
                    await _events.Writer.WriteAsync((id!, JsonNode.Parse(data)!));
                    data = null;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
