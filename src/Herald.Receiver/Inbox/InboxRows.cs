using System.Data.Common;

namespace Herald.Receiver.Inbox;

/// <summary>Reads inbox rows from any provider's command; each store maps its own column types.</summary>
internal static class InboxRows
{
    public static async Task<List<InboxEntry>> ReadAllAsync(DbCommand command, Func<DbDataReader, InboxEntry> read, CancellationToken cancellationToken)
    {
        var entries = new List<InboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(read(reader));
        }
        return entries;
    }
}
