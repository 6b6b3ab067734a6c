using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Hosting;

/// <summary>The <c>Herald</c> configuration section.</summary>
public sealed class HeraldOptions : IValidatableObject
{
    /// <summary>The admin bearer token. When empty, one is generated on first start, stored (hashed) and printed once.</summary>
    public string? AdminToken { get; set; }

    /// <summary>The largest accepted message payload in bytes (1 MiB by default).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>How long an Idempotency-Key replays its first response.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long a request holds its Idempotency-Key before a retry may take it over: a request whose node died
    /// leaves its key in progress this long (on SQLite a restart frees it at once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdempotencyClaimTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a request waits for another request with the same Idempotency-Key to finish before answering
    /// 409 <c>request_in_progress</c>. At least the claim timeout, so that a retry after a crash gets its answer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan IdempotencyWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The grace period of a rotated secret when the request names none.</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The server's public base URL (e.g. https://webhooks.example.com), used for the links Herald hands out. When empty
    /// links use the address the request arrived on, never the request's Host header.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// This node's name among the nodes sharing a PostgreSQL database: stable across its restarts, unique among them.
    /// Claims record it, and a node that starts releases at once whatever is still claimed under it. When empty it is
    /// the machine name and the addresses the server listens on (see <see cref="NodeIdentity"/>).
    /// </summary>
    [MaxLength(200)]
    public string? NodeId { get; set; }

    /// <summary>What this node runs (<c>Herald:Roles</c>): the API, the dispatcher, or both (the default).</summary>
    [EnumDataType(typeof(NodeRoles))]
    public NodeRoles Roles { get; set; } = NodeRoles.Api | NodeRoles.Dispatcher;

    [ValidateObjectMembers]
    public StorageOptions Storage { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdempotencyWindow < TimeSpan.Zero)
        {
            yield return new ValidationResult($"Herald:IdempotencyWindow ({IdempotencyWindow}) must not be negative.");
        }
        if (SecretRotationGrace < TimeSpan.Zero)
        {
            yield return new ValidationResult($"Herald:SecretRotationGrace ({SecretRotationGrace}) must not be negative.");
        }
        if (Roles == NodeRoles.None)
        {
            yield return new ValidationResult("Herald:Roles must name api, dispatcher or both (api,dispatcher).");
        }
    }
}

public sealed class StorageOptions : IValidatableObject
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c> (also <c>postgresql</c>), in any case.</summary>
    [EnumDataType(typeof(StorageProvider))]
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>For SQLite a file path or connection string; <c>herald.db</c> in the working directory by default.</summary>
    public string ConnectionString { get; set; } = "Data Source=herald.db";

    /// <summary>SQLite: fsync every commit (survives power loss). Off keeps durability across a killed process only.</summary>
    public bool SqliteSynchronousFull { get; set; } = true;

    /// <summary>
    /// SQLite: a cap on the database file in bytes (none by default). Writes that would grow it beyond are refused
    /// with 503 "storage is full", and readiness fails shortly before it is reached.
    /// </summary>
    public long? SqliteMaxSizeBytes { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StorageProvider.Sqlite && SqliteMaxSizeBytes is < 1024 * 1024)
        {
            yield return new ValidationResult($"Herald:Storage:SqliteMaxSizeBytes ({SqliteMaxSizeBytes}) must be at least 1048576 (1 MiB).");
        }
    }
}

[OptionsValidator]
internal sealed partial class HeraldOptionsValidator : IValidateOptions<HeraldOptions>;
