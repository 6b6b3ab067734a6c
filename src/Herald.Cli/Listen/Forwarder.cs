using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Herald.Signing;
using Spectre.Console;

namespace Herald.Cli.Listen;

/// <summary>Re-posts a streamed message to the local URL, signed per Standard Webhooks with the local secret (v1) or key pair (v1a), and prints the outcome.</summary>
internal sealed class Forwarder(HttpClient http, Uri target, SigningSecret secret, CliContext context)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task ForwardAsync(string data, CancellationToken cancellationToken)
    {
        string id, eventType, body;
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            id = root.GetProperty("id").GetString() ?? "";
            eventType = root.GetProperty("eventType").GetString() ?? "";
            body = root.TryGetProperty("payload", out var payload) ? payload.GetRawText() : "{}";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            context.Error.MarkupLineInterpolated($"[red]Skipped an event the CLI could not read:[/] {ex.Message}");
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        long timestamp = context.Time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", secret.Sign(id, timestamp, bytes));
        request.Headers.UserAgent.ParseAdd("herald-cli/1");
        string at = context.Time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            int code = (int)response.StatusCode;
            string color = code is >= 200 and < 300 ? "green" : "red";
            context.Out.MarkupLineInterpolated($"{at}  {id}  {eventType}  [{color}]{code}[/]");
        }
        catch (HttpRequestException ex)
        {
            context.Out.MarkupLineInterpolated($"{at}  {id}  {eventType}  [red]failed: {ex.Message}[/]");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            context.Out.MarkupLineInterpolated($"{at}  {id}  {eventType}  [red]timed out[/]");
        }
    }
}
