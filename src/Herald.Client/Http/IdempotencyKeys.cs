namespace Herald.Client.Http;

internal static class IdempotencyKeys
{
    /// <summary>The server's limit on an <c>Idempotency-Key</c>.</summary>
    public const int MaxLength = 256;

    public static string OrNew(string? given)
    {
        if (given is null)
        {
            return "hc_" + Guid.NewGuid().ToString("N");
        }
        if (string.IsNullOrWhiteSpace(given) || given.Length > MaxLength || given.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new ArgumentException($"An idempotency key is 1 to {MaxLength} visible ASCII characters.", "idempotencyKey");
        }
        return given;
    }
}
