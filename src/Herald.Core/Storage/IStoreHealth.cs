namespace Herald.Storage;

/// <summary>
/// The store's own life: creating or migrating its schema at start, and the probes behind the health endpoints.
/// </summary>
public interface IStoreHealth
{
    /// <summary>
    /// Creates or migrates the schema, then makes due at once the deliveries this node still held when it last
    /// stopped: on SQLite every delivery left sending (one process owns the file), on PostgreSQL those claimed under
    /// this node's identity.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);
    /// <summary>Cheap round trip used by health checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);
    /// <summary>
    /// Proves that the store can take a durable write now (readiness): a tiny write, and on a store with a size
    /// limit a look at the room left. Throws <see cref="StoreUnavailableException"/> whose reason names the cause.
    /// </summary>
    Task ProbeWriteAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
