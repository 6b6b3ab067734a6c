using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// The event type catalogue.
/// </summary>
public interface IEventTypeStore
{
    Task CreateEventTypeAsync(EventType eventType, CancellationToken cancellationToken);
    Task<EventType?> GetEventTypeAsync(string name, CancellationToken cancellationToken);
    Task<Page<EventType>> ListEventTypesAsync(PageRequest page, bool includeArchived, CancellationToken cancellationToken);
    Task UpdateEventTypeAsync(EventType eventType, CancellationToken cancellationToken);
    /// <summary>Archives the event type, or removes it when <paramref name="expunge"/> is set.</summary>
    Task<bool> DeleteEventTypeAsync(string name, bool expunge, DateTimeOffset now, CancellationToken cancellationToken);
}
