using System.Text;
using System.Text.Json;

namespace Herald.Client.Http;

/// <summary>
/// Reads an error body: a problem (<c>code</c> and a string <c>detail</c>), or the 422 shape whose <c>detail</c> is a
/// list of <c>{loc, msg, type}</c>. A body that is neither (a proxy's HTML page) becomes the detail, shortened.
/// </summary>
internal static class ProblemReader
{
    private const int MaxDetail = 500;

    public static async Task<HeraldApiException> ReadAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        return Parse(response.StatusCode, text) ?? new HeraldApiException(response.StatusCode, null, Fallback(request, response, text));
    }

    private static HeraldApiException? Parse(System.Net.HttpStatusCode status, string text)
    {
        if (text.Length == 0 || text[0] != '{')
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            string? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (!root.TryGetProperty("detail", out var detail))
            {
                return code is null ? null : new HeraldApiException(status, code, Title(root) ?? code);
            }
            if (detail.ValueKind == JsonValueKind.Array)
            {
                var errors = detail.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(FieldError).ToList();
                string joined = string.Join("; ", errors.Select(e => $"{string.Join('.', e.Location)}: {e.Message}"));
                return new HeraldApiException(status, code, joined.Length > 0 ? joined : Title(root) ?? "Validation failed.", errors);
            }
            return new HeraldApiException(status, code, detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HeraldFieldError FieldError(JsonElement item)
    {
        var location = item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array
            ? loc.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText()).ToList()
            : [];
        return new HeraldFieldError(location, Text(item, "msg"), Text(item, "type"));
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string? Title(JsonElement root) =>
        root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static string Fallback(HttpRequestMessage request, HttpResponseMessage response, string text)
    {
        var detail = new StringBuilder($"{request.Method} {request.RequestUri?.AbsolutePath} failed with {(int)response.StatusCode} {response.ReasonPhrase}");
        string body = text.Trim();
        if (body.Length > 0)
        {
            detail.Append(": ").Append(body.Length > MaxDetail ? body[..MaxDetail] + "…" : body);
        }
        return detail.ToString();
    }
}
