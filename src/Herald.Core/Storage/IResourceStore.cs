namespace Herald.Storage;

/// <summary>
/// The API's resources together (applications, event types, endpoints, messages, attempts), for the handlers and
/// pages that cross them: a message is looked up within its application, attempts by message or endpoint. It holds
/// nothing of the queue, idempotency, settings or housekeeping.
/// </summary>
public interface IResourceStore : IApplicationStore, IEventTypeStore, IEndpointStore, IMessageStore, IAttemptStore;
