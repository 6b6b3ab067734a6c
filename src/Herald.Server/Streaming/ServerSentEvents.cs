using System.Text;

namespace Herald.Server.Streaming;

/// <summary>Writes a <c>text/event-stream</c> response.</summary>
internal sealed class ServerSentEvents(HttpResponse response)
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync(": connected\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task SendAsync(string eventName, string id, string json, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append("event: ").Append(eventName).Append("\nid: ").Append(id).Append("\ndata: ").Append(json).Append("\n\n");
        await response.WriteAsync(text.ToString(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        await response.WriteAsync(": keep-alive\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
