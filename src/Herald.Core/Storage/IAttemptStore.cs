using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// Delivery attempts, as the API and the consoles read them.
/// </summary>
public interface IAttemptStore
{
    Task<Page<Attempt>> ListAttemptsAsync(string appId, AttemptQuery query, CancellationToken cancellationToken);
    Task<Attempt?> GetAttemptAsync(string appId, string msgId, string attemptId, CancellationToken cancellationToken);
    Task<bool> ExpungeAttemptContentAsync(string appId, string msgId, string attemptId, CancellationToken cancellationToken);
}
