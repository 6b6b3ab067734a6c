using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Server.Api;

/// <summary>Reads a bounded JSON body: 413 past the limit, 400 when it is not JSON of the expected shape.</summary>
internal static class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> info, int limit)
    {
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(limit);
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > limit)
                {
                    throw TooLarge(limit);
                }
            }
            if (length == 0)
            {
                throw ApiException.BadRequest("A JSON request body is required.");
            }
            T value;
            try
            {
                value = JsonSerializer.Deserialize(buffer.AsSpan(0, length), info)
                    ?? throw ApiException.BadRequest("The request body must be a JSON object, not null.");
            }
            catch (JsonException ex)
            {
                // The serializer's own message names internal types; say where the body went wrong instead.
                throw ApiException.BadRequest("The request body is not valid JSON for this operation"
                    + (string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "." : $": the value at {ex.Path} does not have the expected type or form."));
            }
            if (ControlCharacters.Find(buffer.AsSpan(0, length)) is { Count: > 0 } problems)
            {
                throw new ValidationFailedException(problems);
            }
            return value;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ApiException TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body is larger than the limit of {limit} bytes.");
}
