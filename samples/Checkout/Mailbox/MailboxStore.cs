using Dapper;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace Checkout.Mailbox;

/// <summary>A received e-mail: the SMTP envelope, a few headers for the list, and the message exactly as it arrived.</summary>
internal sealed record ReceivedMail(long Id, string MessageId, DateTimeOffset ReceivedAt, string EnvelopeFrom, string EnvelopeTo, string Subject);

/// <summary>The mailbox's SQLite file (<c>mailbox.db</c>): every message the SMTP server accepted, raw.</summary>
internal sealed class MailboxStore
{
    private const string Columns = "id AS Id, message_id AS MessageId, received_at AS ReceivedAtMs, envelope_from AS EnvelopeFrom, envelope_to AS EnvelopeTo, subject AS Subject";
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public MailboxStore(string dataDirectory, TimeProvider time)
    {
        _connectionString = $"Data Source={Path.Combine(dataDirectory, "mailbox.db")}";
        _time = time;
        using var connection = Open();
        connection.Execute(
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY, message_id TEXT NOT NULL, received_at INTEGER NOT NULL,
                envelope_from TEXT NOT NULL, envelope_to TEXT NOT NULL, subject TEXT NOT NULL, raw BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS messages_by_message_id ON messages (message_id);
            """);
    }

    /// <summary>Keeps a message the SMTP server received; it is committed before the server answers 250.</summary>
    public async Task<ReceivedMail> SaveAsync(byte[] raw, string envelopeFrom, IEnumerable<string> envelopeTo, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(raw, writable: false);
        using var message = await MimeMessage.LoadAsync(stream, cancellationToken);
        // A message without a Message-Id still gets a stable key of its own.
        string messageId = message.MessageId is { Length: > 0 } id ? id : MimeKit.Utils.MimeUtils.GenerateMessageId("mailbox.checkout.local");
        var receivedAt = _time.GetUtcNow();
        string to = string.Join(", ", envelopeTo);
        await using var connection = Open();
        long rowId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO messages (message_id, received_at, envelope_from, envelope_to, subject, raw)
            VALUES (@messageId, @receivedAt, @envelopeFrom, @to, @subject, @raw) RETURNING id
            """,
            new { messageId, receivedAt = receivedAt.ToUnixTimeMilliseconds(), envelopeFrom, to, subject = message.Subject ?? "", raw },
            cancellationToken: cancellationToken));
        return new ReceivedMail(rowId, messageId, receivedAt, envelopeFrom, to, message.Subject ?? "");
    }

    /// <summary>Every received message, newest first.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM messages ORDER BY id DESC", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToMail()).ToList();
    }

    /// <summary>The first message received with this Message-Id, and its raw bytes; null when none arrived.</summary>
    public async Task<(ReceivedMail Mail, byte[] Raw)?> FindAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns}, raw AS Raw FROM messages WHERE message_id = @messageId ORDER BY id LIMIT 1", new { messageId }, cancellationToken: cancellationToken));
        return row is null ? null : (row.ToMail(), row.Raw!);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A row as Dapper fills it.</summary>
    private sealed class Row
    {
        public long Id { get; init; }
        public string MessageId { get; init; } = "";
        public long ReceivedAtMs { get; init; }
        public string EnvelopeFrom { get; init; } = "";
        public string EnvelopeTo { get; init; } = "";
        public string Subject { get; init; } = "";
        public byte[]? Raw { get; init; }

        public ReceivedMail ToMail() => new(Id, MessageId, DateTimeOffset.FromUnixTimeMilliseconds(ReceivedAtMs), EnvelopeFrom, EnvelopeTo, Subject);
    }
}
