using System.ComponentModel.DataAnnotations;

namespace Herald.Receiver;

/// <summary>Settings of the webhook receiver, usually bound from the <c>Herald:Receiver</c> configuration section.</summary>
public sealed record HeraldReceiverOptions
{
    /// <summary>
    /// Every key currently accepted, told apart by prefix: <c>whsec_…</c> secrets verify <c>v1</c> (HMAC-SHA256)
    /// signatures, <c>whpk_…</c> ed25519 public keys verify <c>v1a</c>. List two while a sender rotates, of either kind.
    /// A <c>whsk_…</c> secret key is refused: a receiver holds only the public key.
    /// </summary>
    [MinLength(1, ErrorMessage = "At least one webhook secret or public key is required (Herald:Receiver:Secrets: whsec_… or whpk_…).")]
    public IList<string> Secrets { get; init; } = new List<string>();

    /// <summary>How far <c>webhook-timestamp</c> may be from now, each way.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted request body; larger requests get 413.</summary>
    [Range(1, 64L * 1024 * 1024)]
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    public InboxOptions Inbox { get; init; } = new();

    public HandlerOptions Handlers { get; init; } = new();
}

public enum InboxProvider
{
    Sqlite = 0,
    Postgres = 1,
}

/// <summary>Where received messages are kept until processed.</summary>
public sealed record InboxOptions
{
    public InboxProvider Provider { get; init; } = InboxProvider.Sqlite;

    /// <summary>A Microsoft.Data.Sqlite or Npgsql connection string, depending on <see cref="Provider"/>.</summary>
    public string ConnectionString { get; init; } = "Data Source=herald-inbox.db";

    /// <summary>Table name, so that several receivers can share one database.</summary>
    public string TableName { get; init; } = "herald_inbox";
}

/// <summary>How handlers are run and retried.</summary>
public sealed record HandlerOptions
{
    /// <summary>Attempts before a message is marked failed (the first run counts).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Delay before the second attempt; doubled for each further one.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Handlers running at once.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>How long a claimed message stays claimed before another worker may take it over.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Backstop poll for work left by an earlier run or another instance.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);
}
