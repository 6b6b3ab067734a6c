using Herald.Outbox;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Maps the outbox table into an EF Core model.</summary>
public static class HeraldOutboxModelBuilderExtensions
{
    /// <summary>
    /// Maps <see cref="HeraldOutboxMessage"/> to the <c>herald_outbox</c> table, with the columns and index the relay
    /// uses (<see cref="HeraldOutboxSchema"/>), so migrations or <c>EnsureCreated</c> make the same table.
    /// </summary>
    public static ModelBuilder AddHeraldOutbox(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<HeraldOutboxMessage>(e =>
        {
            e.ToTable(HeraldOutboxSchema.TableName);
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(m => m.AppId).HasColumnName("app_id").IsRequired();
            e.Property(m => m.EventType).HasColumnName("event_type").IsRequired();
            e.Property(m => m.EventId).HasColumnName("event_id");
            e.Property(m => m.Payload).HasColumnName("payload").IsRequired();
            e.Property(m => m.IdempotencyKey).HasColumnName("idempotency_key").IsRequired();
            e.Property(m => m.CreatedAt).HasColumnName("created_at");
            e.Property(m => m.Attempts).HasColumnName("attempts");
            e.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at");
            e.Property(m => m.LastError).HasColumnName("last_error");
            e.Property(m => m.SentAt).HasColumnName("sent_at");
            e.Property(m => m.FailedAt).HasColumnName("failed_at");
            e.Property(m => m.MessageId).HasColumnName("message_id");
            e.HasIndex(m => new { m.AppId, m.Id }).HasDatabaseName("herald_outbox_pending").HasFilter("sent_at IS NULL AND failed_at IS NULL");
        });
        return modelBuilder;
    }
}
