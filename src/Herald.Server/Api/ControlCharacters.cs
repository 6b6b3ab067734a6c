using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Herald.Server.Api;

/// <summary>
/// Finds control characters in a request body's strings before anything is stored. Identifiers, URLs, header values
/// and every other text may hold none (a bare CR in a header value would be sent on the wire); descriptions may hold
/// tabs and line breaks; free JSON (a message's <c>payload</c>, an event type's <c>schemas</c>) may hold anything but
/// NUL, which neither store can keep in JSON. Raw control characters are already invalid JSON, so only escaped
/// strings need a look.
/// </summary>
internal static class ControlCharacters
{
    private static readonly HashSet<string> FreeJson = new(StringComparer.Ordinal) { "payload", "schemas", "application" };
    private static readonly HashSet<string> FreeText = new(StringComparer.Ordinal) { "description" };

    private sealed class Frame(string name, bool isArray)
    {
        public string Name => name;
        public bool IsArray => isArray;
        public int NextIndex { get; set; }
    }

    /// <summary>Every field of <paramref name="json"/> holding a character its kind of field may not hold (at most 16).</summary>
    public static List<ValidationErrorItem> Find(ReadOnlySpan<byte> json)
    {
        var problems = new List<ValidationErrorItem>();
        if (!json.Contains((byte)'\\'))
        {
            // Without a backslash nothing is escaped, so nothing can hold a control character: no second parse.
            return problems;
        }
        var reader = new Utf8JsonReader(json);
        var frames = new List<Frame>();
        string? property = null;

        string NameOfValue()
        {
            if (frames.Count > 0 && frames[^1].IsArray)
            {
                return (frames[^1].NextIndex++).ToString(CultureInfo.InvariantCulture);
            }
            string name = property ?? "";
            property = null;
            return name;
        }

        void Check(string value, string leaf, bool isKey)
        {
            var path = frames.Skip(1).Select(f => f.Name).Append(leaf).ToList();
            if (problems.Count < 16 && Refused(value, path[0], isKey ? null : leaf))
            {
                problems.Add(new ValidationErrorItem(["body", .. path], "must not contain control characters", "value_error.str.control"));
            }
        }

        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.ValueIsEscaped ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);
                        if (reader.ValueIsEscaped)
                        {
                            Check(property, property, isKey: true);
                        }
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add(new Frame(frames.Count == 0 ? "" : NameOfValue(), reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        string leaf = NameOfValue();
                        Check(reader.GetString()!, leaf, isKey: false);
                        break;
                    default:
                        NameOfValue();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON is the deserializer's to report (400).
        }
        catch (InvalidOperationException)
        {
            // An escape that is not valid UTF-16 (a lone surrogate) is the deserializer's to report too.
        }
        return problems;
    }

    private static bool Refused(string value, string topField, string? leaf)
    {
        if (FreeJson.Contains(topField))
        {
            return value.Contains('\0', StringComparison.Ordinal);
        }
        return Validation.HasControl(value, lineBreaks: leaf is not null && FreeText.Contains(leaf));
    }
}
