using Herald.Storage.Queue;

namespace Herald.Storage;

/// <summary>
/// A whole store: every role at once. Each database has one implementation (SQLite, PostgreSQL) that passes the
/// storage compliance suite; consumers take the narrowest role they need (see docs/architecture.md), and the host
/// registers the one instance under each role. Writes that the API acknowledges are durable when the returned task
/// completes. Stores throw <see cref="DuplicateException"/> for unique-key conflicts and
/// <see cref="StoreUnavailableException"/> when the database cannot be reached.
/// </summary>
/// <remarks>
/// What only some databases can do is a capability the store may also implement: <see cref="IClusterLock"/> (every
/// store; inline on SQLite), <see cref="IStoreWakeups"/>, <see cref="IClusterBroadcast"/> and
/// <see cref="IClusterThrottle"/> (PostgreSQL, whose database several nodes share).
/// </remarks>
public interface IHeraldStore :
    IStoreHealth, IResourceStore, IDeliveryQueue, IStoreMaintenance, IIdempotencyStore, ISettingsStore, IAsyncDisposable;
