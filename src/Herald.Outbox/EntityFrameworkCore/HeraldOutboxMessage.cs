namespace Herald.Outbox;

/// <summary>
/// A row of <c>herald_outbox</c> as EF Core sees it: added by <c>context.HeraldOutbox().Enqueue(...)</c> and saved
/// by the same <c>SaveChanges</c> as the business entities. The relay owns it after that.
/// </summary>
public sealed class HeraldOutboxMessage
{
    public long Id { get; internal set; }
    public string AppId { get; internal set; } = "";
    public string EventType { get; internal set; } = "";
    public string? EventId { get; internal set; }
    public string Payload { get; internal set; } = "";
    public string IdempotencyKey { get; internal set; } = "";

    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; internal set; }
    public int Attempts { get; internal set; }
    public long NextAttemptAt { get; internal set; }
    public string? LastError { get; internal set; }
    public long? SentAt { get; internal set; }
    public long? FailedAt { get; internal set; }
    public string? MessageId { get; internal set; }
}
