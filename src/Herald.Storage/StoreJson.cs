using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Model;

namespace Herald.Storage;

/// <summary>JSON encoding of the list and map columns.</summary>
public static class StoreJson
{
    public static string Map(IReadOnlyDictionary<string, string> map) =>
        JsonSerializer.Serialize(map as Dictionary<string, string> ?? new Dictionary<string, string>(map), StoreJsonContext.Default.DictionaryStringString);

    public static Dictionary<string, string> ReadMap(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StoreJsonContext.Default.DictionaryStringString) ?? [];

    public static string? List(IReadOnlyList<string>? list) =>
        list is null ? null : JsonSerializer.Serialize(list.ToArray(), StoreJsonContext.Default.StringArray);

    public static string[]? ReadList(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, StoreJsonContext.Default.StringArray);

    public static string Secrets(IReadOnlyList<RetiredSecret> secrets) =>
        JsonSerializer.Serialize(secrets.Select(s => new RetiredSecretRow(s.Secret, s.ExpiresAt.ToUnixTimeMilliseconds())).ToArray(), StoreJsonContext.Default.RetiredSecretRowArray);

    public static RetiredSecret[] ReadSecrets(string? json) =>
        string.IsNullOrEmpty(json)
            ? []
            : (JsonSerializer.Deserialize(json, StoreJsonContext.Default.RetiredSecretRowArray) ?? [])
                .Select(r => new RetiredSecret(r.Secret, DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresAt))).ToArray();
}

public sealed record RetiredSecretRow(string Secret, long ExpiresAt);

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(RetiredSecretRow[]))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
