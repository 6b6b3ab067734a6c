using System.Text.Json;

namespace Herald.Receiver.Handlers;

/// <summary>Reads the Standard Webhooks payload shape <c>{ "type", "timestamp", "data" }</c>.</summary>
internal static class WebhookEnvelope
{
    /// <summary>The top-level string <c>type</c>, or null when the body is not a JSON object or has none.</summary>
    public static string? ReadEventType(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Deserializes <c>data</c>, or the whole body when there is no <c>data</c>.</summary>
    /// <exception cref="WebhookPayloadException">The body does not fit <typeparamref name="T"/>.</exception>
    public static T ReadPayload<T>(ReadOnlyMemory<byte> body, JsonSerializerOptions options)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var source = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : root;
            return source.Deserialize<T>(options)
                ?? throw new WebhookPayloadException($"The payload is null; expected {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            throw new WebhookPayloadException($"The payload cannot be read as {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
