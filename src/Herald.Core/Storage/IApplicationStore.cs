using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// Applications (tenants), the API's and the consoles' resource.
/// </summary>
public interface IApplicationStore
{
    Task CreateApplicationAsync(Application app, CancellationToken cancellationToken);
    Task<Application?> GetApplicationAsync(string idOrUid, CancellationToken cancellationToken);
    Task<Page<Application>> ListApplicationsAsync(PageRequest page, CancellationToken cancellationToken);
    Task UpdateApplicationAsync(Application app, CancellationToken cancellationToken);
    /// <summary>Deletes the application with its endpoints, messages, deliveries and attempts.</summary>
    Task<bool> DeleteApplicationAsync(string appId, CancellationToken cancellationToken);
}
