using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Outbox.Relay;

/// <summary>
/// SQLite: a single relay, so reading is enough to hold an application's rows. Marks are written after the batch's
/// sends, never holding the database's write lock across an HTTP call that the producer would wait behind.
/// </summary>
internal sealed class SqliteOutboxStore(HeraldOutboxOptions options) : OutboxStore(options)
{
    public override OutboxProvider Provider => OutboxProvider.Sqlite;

    protected override DbConnection NewConnection() => new SqliteConnection(Options.ConnectionString);

    public override async Task<OutboxBatch?> OpenAsync(string appId, int max, CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            var rows = await ReadRowsAsync(connection, null, appId, max, "", cancellationToken);
            return new OutboxBatch(connection, null, rows, Options.SentRows);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
