using System.ComponentModel.DataAnnotations;

namespace Herald.Receiver;

/// <summary>
/// Settings of the webhook receiver, bound from a configuration section (usually <c>Herald:Receiver</c>) or set in
/// code with <c>AddHeraldReceiver(options => …)</c>. A named receiver has options of its name.
/// </summary>
public sealed record HeraldReceiverOptions
{
    /// <summary>
    /// Every key currently accepted, told apart by prefix: <c>whsec_…</c> secrets verify <c>v1</c> (HMAC-SHA256)
    /// signatures, <c>whpk_…</c> ed25519 public keys verify <c>v1a</c>. List two while a sender rotates, of either kind.
    /// A <c>whsk_…</c> secret key is refused: a receiver holds only the public key. At least one is required.
    /// </summary>
    public IList<string> Secrets { get; set; } = new List<string>();

    /// <summary>How far <c>webhook-timestamp</c> may be from now, each way.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted request body; larger requests get 413.</summary>
    [Range(1, 64L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The inbox table and its connection string (<c>Inbox:…</c>).</summary>
    public InboxOptions Inbox { get; set; } = new();

    /// <summary>How handlers are run and retried (<c>Handlers:…</c>).</summary>
    public HandlerOptions Handlers { get; set; } = new();
}

/// <summary>
/// Where received messages are kept until processed: the settings of the relational inboxes. Which database holds
/// them is chosen in code, with <c>UseSqliteInbox()</c> (Herald.Receiver.Sqlite) or <c>UsePostgresInbox(…)</c>
/// (Herald.Receiver.Postgres) on the receiver's builder.
/// </summary>
public sealed record InboxOptions
{
    /// <summary>The table's name when none is configured, for the unnamed receiver.</summary>
    public const string DefaultTableName = "herald_inbox";

    /// <summary>
    /// A Microsoft.Data.Sqlite or Npgsql connection string, depending on the inbox. The SQLite inbox uses
    /// <c>Data Source=herald-inbox.db</c> when it is not set; the PostgreSQL inbox needs it unless it is given the
    /// app's <c>NpgsqlDataSource</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Table name, so that several receivers can share one database. A named receiver's default is
    /// <c>herald_inbox_{name}</c>, so that two receivers never share a table by accident.
    /// </summary>
    public string TableName { get; set; } = DefaultTableName;
}

/// <summary>How handlers are run and retried.</summary>
public sealed record HandlerOptions
{
    /// <summary>Attempts before a message is marked failed (the first run counts).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the second attempt; doubled for each further one.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between two attempts, however many came before.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Handlers running at once.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>How long a claimed message stays claimed before another worker may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Backstop poll for work left by an earlier run or another instance.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
