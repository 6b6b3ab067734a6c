using System.Text.Json;

namespace Herald.Receiver.Tests.Support;

/// <summary>The published vectors of tests/Herald.Testing/Vectors/signature-test-vectors.json (kept in the repository), copied next to the test binaries.</summary>
internal static class TestVectors
{
    private static readonly Lazy<JsonDocument> Document = new(Load);

    public static JsonElement Root => Document.Value.RootElement;

    public static IReadOnlyList<StandardVector> StandardWebhooks =>
        Root.GetProperty("standard_webhooks_v1").EnumerateArray().Select(v => new StandardVector(
            v.GetProperty("secret").GetString()!,
            v.GetProperty("msg_id").GetString()!,
            v.GetProperty("timestamp").GetInt64(),
            v.GetProperty("payload").GetString()!,
            v.GetProperty("expected").GetString()!)).ToArray();

    public static IReadOnlyList<string> NegativeCases =>
        Root.GetProperty("negative_cases").EnumerateArray().Select(c => c.GetString()!).ToArray();

    private static JsonDocument Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "signature-test-vectors.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Vectors/signature-test-vectors.json is missing next to the test binaries ({AppContext.BaseDirectory}). " +
                "The build copies it from tests/Herald.Testing/Vectors in the repository; rebuild the test project.", path);
        }
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }
}

internal sealed record StandardVector(string Secret, string MessageId, long Timestamp, string Payload, string Expected);
