using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Herald.Cli.Http;

namespace Herald.Cli.Listen;

/// <summary>One event of a <c>text/event-stream</c>.</summary>
internal sealed record ServerSentEvent(string Event, string? Id, string Data);

/// <summary>Reads Herald's event stream, resuming after <c>Last-Event-ID</c> when given.</summary>
internal static class EventStream
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(
        HttpClient http, string path, string? lastEventId, Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            string problem = Problems.Describe((int)response.StatusCode, response.ReasonPhrase, text);
            // Wrong token or application will not fix itself; anything else is worth retrying.
            throw (int)response.StatusCode is 400 or 401 or 403 or 404 ? new CliException(problem) : new HttpRequestException(problem);
        }
        connected();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        string? name = null;
        string? id = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return new ServerSentEvent(name ?? "message", id, data.ToString());
                }
                name = null;
                data.Clear();
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "id":
                    id = value;
                    break;
                case "data":
                    data.Append(data.Length > 0 ? "\n" : "").Append(value);
                    break;
            }
        }
    }
}
