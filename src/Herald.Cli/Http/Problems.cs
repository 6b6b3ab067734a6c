using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.Cli.Http;

/// <summary>Turns a problem body (<c>detail</c> as text, or the 422 list of <c>loc</c>/<c>msg</c>) into one line for the user.</summary>
internal static class Problems
{
    public static string Describe(int status, string? reason, string body)
    {
        string head = $"{status} {reason}".TrimEnd();
        JsonNode? json;
        try
        {
            json = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return $"{head}: {Truncate(body)}";
        }
        var detail = json?["detail"];
        if (detail is JsonArray items)
        {
            var parts = items.Select(i => $"{string.Join('.', i?["loc"]?.AsArray().Select(l => l?.ToString()) ?? [])}: {i?["msg"]}");
            return $"{head}: {string.Join("; ", parts)}";
        }
        return detail is JsonValue value ? $"{head}: {value}" : $"{head}: {Truncate(body)}";
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
