using System.ComponentModel.DataAnnotations;

namespace Herald.Server.Hosting;

/// <summary>The <c>Herald</c> configuration section.</summary>
public sealed record HeraldOptions
{
    /// <summary>The admin bearer token. When empty, one is generated on first start, stored (hashed) and printed once.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The largest accepted message payload in bytes (1 MiB by default).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary>How long an Idempotency-Key replays its first response.</summary>
    public TimeSpan IdempotencyWindow { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long a request holds its Idempotency-Key before a retry may take it over: a request whose node died
    /// leaves its key in progress this long (on SQLite a restart frees it at once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdempotencyClaimTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a request waits for another request with the same Idempotency-Key to finish before answering
    /// 409 <c>request_in_progress</c>. At least the claim timeout, so that a retry after a crash gets its answer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan IdempotencyWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The grace period of a rotated secret when the request names none.</summary>
    public TimeSpan SecretRotationGrace { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The server's public base URL (e.g. https://webhooks.example.com), used for the links Herald hands out. When empty
    /// links use the address the request arrived on, never the request's Host header.
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// This node's name among the nodes sharing a PostgreSQL database: stable across its restarts, unique among them.
    /// Claims record it, and a node that starts releases at once whatever is still claimed under it. When empty it is
    /// the machine name and the addresses the server listens on (see <see cref="NodeIdentity"/>).
    /// </summary>
    [MaxLength(200)]
    public string? NodeId { get; init; }

    public StorageOptions Storage { get; init; } = new();
}

public sealed record StorageOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>For SQLite a file path or connection string; <c>herald.db</c> in the working directory by default.</summary>
    public string ConnectionString { get; init; } = "Data Source=herald.db";

    /// <summary>SQLite: fsync every commit (survives power loss). Off keeps durability across a killed process only.</summary>
    public bool SqliteSynchronousFull { get; init; } = true;

    /// <summary>
    /// SQLite: a cap on the database file in bytes (none by default). Writes that would grow it beyond are refused
    /// with 503 "storage is full", and readiness fails shortly before it is reached.
    /// </summary>
    public long? SqliteMaxSizeBytes { get; init; }
}
