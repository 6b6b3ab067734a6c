using Herald.Storage;

namespace Herald.Server.Idempotency;

/// <summary>
/// The Idempotency-Key claimed for the current request. A handler that stores its result in one write (a message)
/// passes <see cref="Completion"/> to that write and marks the key completed; for any other handler the filter
/// stores the answer right after it returns.
/// </summary>
internal sealed class IdempotencyFeature(string key, string token, string requestHash)
{
    public string Key => key;
    public string Token => token;
    public string RequestHash => requestHash;

    /// <summary>Set by a handler whose write stored the answer with its result.</summary>
    public bool CompletedByWrite { get; private set; }

    /// <summary>The answer to store for this key, to hand to the write that produces it.</summary>
    public IdempotencyCompletion Completion(int statusCode, byte[] body, DateTimeOffset now) =>
        new(key, token, new StoredResponse(requestHash, statusCode, System.Text.Encoding.UTF8.GetString(body), now));

    public void MarkCompletedByWrite() => CompletedByWrite = true;
}
