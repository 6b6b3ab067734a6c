using System.ComponentModel.DataAnnotations;

namespace Herald.Outbox;

/// <summary>What happens to a row once Herald has its message.</summary>
public enum OutboxSentRows
{
    /// <summary>The row is deleted.</summary>
    Delete,

    /// <summary>The row stays, with <c>sent_at</c> and <c>message_id</c>, for <see cref="HeraldOutboxOptions.ArchiveRetention"/>.</summary>
    Archive,
}

/// <summary>Where the outbox is and how the relay sends it; bound from e.g. <c>Herald:Outbox</c>.</summary>
public sealed class HeraldOutboxOptions : IValidatableObject
{
    /// <summary>The database that holds <c>herald_outbox</c>: the producer's own.</summary>
    public OutboxProvider Provider { get; set; } = OutboxProvider.Sqlite;

    /// <summary>The relay's connection string to that database.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>False registers the outbox for enqueueing only; another process relays. On SQLite run exactly one relay.</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>The relay creates the table and its index when it starts (false when migrations own them).</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>How long the relay waits before looking again when it found nothing to send.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows of one application read (and on PostgreSQL locked) at a time.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Applications sent to at once; within one application a single row is in flight, so order holds.</summary>
    [Range(1, 256)]
    public int MaxParallelApplications { get; set; } = 8;

    /// <summary>Wait after the first failed send of a row; doubled for each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two sends of a row while Herald is away.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether sent rows are deleted or kept.</summary>
    public OutboxSentRows SentRows { get; set; } = OutboxSentRows.Delete;

    /// <summary>How long archived rows are kept (with <see cref="OutboxSentRows.Archive"/>).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan ArchiveRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Checks what attributes cannot: settings that must agree with each other.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("MaxRetryDelay must be at least RetryDelay.", [nameof(MaxRetryDelay)]);
        }
        if (!Enum.IsDefined(Provider))
        {
            yield return new ValidationResult("Provider must be Sqlite or PostgreSql.", [nameof(Provider)]);
        }
        if (!Enum.IsDefined(SentRows))
        {
            yield return new ValidationResult("SentRows must be Delete or Archive.", [nameof(SentRows)]);
        }
    }
}
