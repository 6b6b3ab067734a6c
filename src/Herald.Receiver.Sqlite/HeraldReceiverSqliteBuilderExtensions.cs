using Herald.Receiver;
using Herald.Receiver.Sqlite;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The SQLite inbox for Herald's receiver.</summary>
public static class HeraldReceiverSqliteBuilderExtensions
{
    /// <summary>
    /// Keeps the receiver's messages in a SQLite file (WAL mode, synchronous FULL), at the receiver's
    /// <c>Inbox:ConnectionString</c> (<c>Data Source=herald-inbox.db</c> when not set) in its <c>Inbox:TableName</c>.
    /// The file's folder is created when missing. One instance per file: for several instances, use PostgreSQL.
    /// </summary>
    public static IHeraldReceiverBuilder UseSqliteInbox(this IHeraldReceiverBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string name = builder.Name;
        return builder.UseInbox(services =>
        {
            var inbox = services.GetRequiredService<IOptionsMonitor<HeraldReceiverOptions>>().Get(name).Inbox;
            return new SqliteWebhookInbox(inbox.ConnectionString ?? SqliteWebhookInbox.DefaultConnectionString, inbox.TableName,
                services.GetRequiredService<TimeProvider>());
        });
    }
}
