using System.Globalization;
using System.Text;

namespace Herald.Client.Http;

/// <summary>A query string built from optional values; absent values are left out.</summary>
internal sealed class QueryString
{
    private readonly List<KeyValuePair<string, string>> _pairs = [];

    public QueryString Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _pairs.Add(new(name, value));
        }
        return this;
    }

    public QueryString Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryString Add(string name, bool? value) => Add(name, value is { } b ? (b ? "true" : "false") : null);

    public QueryString Add(string name, DateTimeOffset? value) =>
        Add(name, value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    public QueryString Add(string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(name, value);
        }
        return this;
    }

    /// <summary>The query string with one more value, leaving this one unchanged.</summary>
    public string With(string name, string? value) => Format(string.IsNullOrEmpty(value) ? _pairs : [.. _pairs, new(name, value)]);

    public override string ToString() => Format(_pairs);

    private static string Format(List<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return text.ToString();
    }
}
