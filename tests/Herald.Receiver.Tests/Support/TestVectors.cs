using System.Text.Json;

namespace Herald.Receiver.Tests.Support;

/// <summary>The published vectors in shared/reference/signature-test-vectors.json, found by walking up from the test binaries.</summary>
internal static class TestVectors
{
    private const string RelativePath = "shared/reference/signature-test-vectors.json";

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
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return JsonDocument.Parse(File.ReadAllBytes(candidate));
            }
        }
        throw new FileNotFoundException(
            $"Could not find {RelativePath} in any folder above {AppContext.BaseDirectory}. " +
            "The tests expect the shared/ folder beside the repository clone (e.g. /work/shared next to /work/main).");
    }
}

internal sealed record StandardVector(string Secret, string MessageId, long Timestamp, string Payload, string Expected);
