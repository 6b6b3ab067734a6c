using System.Text.Json;

namespace Herald.Server.Api;

/// <summary>PATCH bodies: a field that is present is set (null clears it); a field that is absent is kept.</summary>
internal static class Patch
{
    public static T Apply<T>(JsonElement body, T current, Func<T, string, JsonElement, T> set)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("The request body must be a JSON object.");
        }
        foreach (var property in body.EnumerateObject())
        {
            current = set(current, property.Name, property.Value);
        }
        return current;
    }

    /// <summary>
    /// The canonical name of a body field: a legacy alias stands for its canonical field unless the body also
    /// holds that field (the canonical name wins), in which case the alias is ignored (an empty name is returned).
    /// </summary>
    public static string Canonical(JsonElement body, string name, IReadOnlyDictionary<string, string> aliases) =>
        aliases.TryGetValue(name, out var canonical) ? body.TryGetProperty(canonical, out _) ? "" : canonical : name;

    public static string? String(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => throw Invalid(field, "must be a string"),
    };

    public static bool Bool(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid(field, "must be true or false"),
    };

    public static int? Int(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt32(out int n) => n,
        _ => throw Invalid(field, "must be a whole number"),
    };

    public static List<string>? List(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw Invalid(field, "must be a list of strings");
        }
        return value.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    public static Dictionary<string, string>? Map(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw Invalid(field, "must be an object of strings");
        }
        return value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    public static ValidationFailedException NotNull(string field) => Invalid(field, "may not be null");

    private static ValidationFailedException Invalid(string field, string message) =>
        new([new ValidationErrorItem(["body", field], message, "type_error")]);
}
